// Marks the page as able to run GOV.UK Frontend's JavaScript (kept out of the HTML for the CSP).
document.documentElement.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.add("js-enabled", "govuk-frontend-supported");
  });
}
