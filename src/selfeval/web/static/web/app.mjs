// GOV.UK Frontend's components, and the upload progress bar (htmx's XHR progress events).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

document.body.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest ? event.target.closest("#upload-form") : null;
  if (!form || !event.detail.lengthComputable) return;
  const box = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-progress-bar");
  const pct = Math.round((100 * event.detail.loaded) / event.detail.total);
  box.hidden = false;
  bar.value = pct;
  bar.textContent = pct + "%";
});

document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (event.target.id === "upload-form") {
    document.getElementById("upload-progress").hidden = false;
    document.getElementById("upload-progress-bar").value = 0;
  }
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  if (event.target.id === "upload-form") {
    document.getElementById("upload-progress-bar").value = 100;
  }
});

// htmx swaps 4xx responses too: the validation report and errors come back with 400.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400 || event.detail.xhr.status === 413) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
