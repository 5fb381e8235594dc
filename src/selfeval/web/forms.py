"""Forms, with GOV.UK Frontend's error messages and field classes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from selfeval.access import Authorities
from selfeval.errors import UsageError
from selfeval.web.models import User
from selfeval.web.roles import ROLES


class GovukFields:
    """Give every widget GOV.UK Frontend's class, and point it at its hint and error."""

    CLASSES = {
        "Select": "govuk-select",
        "Textarea": "govuk-textarea",
        "CheckboxInput": "govuk-checkboxes__input",
    }

    fields: dict[str, forms.Field]  # the form's, which this mixes into

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            w = field.widget
            w.attrs.setdefault("class", self.CLASSES.get(type(w).__name__, "govuk-input"))
            described = []
            if field.help_text:
                described.append(f"id_{name}-hint")
            if described:
                w.attrs["aria-describedby"] = " ".join(described)


class SignInForm(GovukFields, AuthenticationForm):
    """Sign-in, throttled per address and per account (``selfeval.web.throttle``)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }
    throttled = False

    def clean(self) -> dict[str, Any]:
        from selfeval.web import throttle
        from selfeval.web.audit import record

        assert self.request is not None  # the sign-in view always gives the form its request
        attempt = throttle.Attempt.of(self.request, self.cleaned_data.get("username") or "")
        wait = attempt.wait()
        if wait:
            self.throttled = True
            record(
                attempt.username or "anonymous",
                "sign in throttled",
                "session",
                address=attempt.address,
                wait_seconds=wait,
            )
            raise forms.ValidationError(
                f"Too many wrong passwords: wait {wait} seconds, then try again.",
                code="throttled",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            attempt.failed()
            raise
        attempt.succeeded()
        return data


KIND_LABELS = {
    "903": "SSDA903 (children looked after)",
    "cin": "CIN census (children in need)",
    "annex-a": "Ofsted Annex A",
    "workforce": "Children's social work workforce",
    "audits": "Case audits workbook",
    "plan": "Improvement plan workbook",
}


class UploadForm(GovukFields, forms.Form):
    """A return to load: which kind, for which authority and year (when the files do not say)."""

    kind = forms.ChoiceField(
        label="Kind of return",
        required=False,
        choices=[("", "Work it out from the files"), *KIND_LABELS.items()],
    )
    la_code = forms.RegexField(
        regex=r"^\d{3}$",
        label="Local authority code",
        required=False,
        help_text="3 digits, like 336; needed when the files do not say",
        error_messages={"invalid": "Enter the authority's 3-digit DfE code, like 336"},
    )
    return_year = forms.IntegerField(
        label="Return year",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="2019 means the 2018 to 2019 return (1 April 2018 to 31 March 2019)",
    )


class AuthoritiesFields(forms.Form):
    """Which authorities an account may see: some codes, or every one."""

    authorities = forms.CharField(
        required=False,
        label="Authorities it may see",
        help_text="3-digit DfE codes separated by spaces or commas, like 336 335",
    )
    all_authorities = forms.BooleanField(
        required=False,
        label="It may see every authority (regional and Ofsted staff)",
    )

    def clean_authorities(self) -> list[str]:
        codes = self.cleaned_data["authorities"].replace(",", " ").split()
        try:
            return sorted(Authorities.of(codes).codes)
        except UsageError as e:
            raise forms.ValidationError(str(e).capitalize()) from None

    def access(self) -> Authorities:
        d = self.cleaned_data
        return Authorities(frozenset(d["authorities"]), every=d["all_authorities"])


class NewUserForm(GovukFields, AuthoritiesFields):
    field_order = ["username", "email", "role", "password", "authorities", "all_authorities"]
    username = forms.RegexField(
        regex=r"^[\w.@+-]{1,150}$",
        error_messages={"invalid": "Use letters, digits and . @ + - _ only"},
    )
    email = forms.EmailField(required=False, help_text="Needed for Microsoft sign-in")
    role = forms.ChoiceField(choices=[(r, r.capitalize()) for r in ROLES])
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if User.objects.filter(username=name).exists():
            raise forms.ValidationError("There is already an account with this username")
        return name

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data and data.get("password") and data.get("username"):
            try:
                password_validation.validate_password(
                    data["password"],
                    User(username=data["username"], email=data.get("email") or ""),
                )
            except forms.ValidationError as e:
                self.add_error("password", e)
        return data


class AuthoritiesForm(GovukFields, AuthoritiesFields):
    pass


class RoleForm(GovukFields, forms.Form):
    role = forms.ChoiceField(choices=[(r, r.capitalize()) for r in ROLES])
