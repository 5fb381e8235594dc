"""Practice weeks, case audit entry and moderation, over ``selfeval.assurance``.

Audits name children: every page showing one is child-level and audited (who, when, which
audit), never with the child's identifier in the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from selfeval.assurance.grades import LABELS, Grade
from selfeval.assurance.records import AssuranceData, Audit, PracticeWeek
from selfeval.assurance.repository import (
    add_audit,
    save_assurance,
    set_moderation,
)
from selfeval.assurance.repository import (
    audit as get_audit,
)
from selfeval.assurance.repository import (
    audits as list_audits,
)
from selfeval.assurance.repository import (
    practice_weeks as list_weeks,
)
from selfeval.assurance.summary import grade_shares
from selfeval.errors import NoData, SelfevalError
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.authorities import request_scope
from selfeval.web.forms import GovukFields
from selfeval.web.store import get_store
from selfeval.web.views.base import form_page

GRADES = [(str(int(g)), label) for g, label in LABELS.items()]
DATE = forms.DateInput(attrs={"type": "date"})


class WeekForm(GovukFields, forms.Form):
    name = forms.CharField(max_length=200, label="Name of the practice week")
    start_date = forms.DateField(widget=DATE, label="First day")
    end_date = forms.DateField(widget=DATE, label="Last day")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AuditForm(GovukFields, forms.Form):
    child_id = forms.CharField(max_length=40, label="Child's identifier (as in the returns)")
    audit_date = forms.DateField(widget=DATE, label="Date of the audit")
    overall_grade = forms.ChoiceField(choices=GRADES, label="Overall grade")
    practice_week = forms.ChoiceField(required=False, label="Practice week")
    team = forms.CharField(required=False, max_length=200)
    worker = forms.CharField(required=False, max_length=200, label="Social worker")
    strengths = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    areas_for_development = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Areas for development"
    )
    difference_made = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The difference made for the child",
    )


class ModerationForm(GovukFields, forms.Form):
    grade = forms.ChoiceField(choices=GRADES, label="Moderated grade")
    moderation_date = forms.DateField(widget=DATE, label="Date of moderation")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _la(request: HttpRequest) -> str:
    sc = request_scope(request)
    if sc is not None:
        return sc.la_code
    la = request.GET.get("la", "")
    if len(la) == 3 and la.isdigit():
        return la
    raise Http404("the store holds no returns yet: load one first")


def practice_weeks(request: HttpRequest) -> HttpResponse:
    la = _la(request)
    store = get_store()
    audits = list_audits(store, la)
    return render(
        request,
        "web/practice_weeks.html",
        {
            "la": la,
            "weeks": list_weeks(store, la),
            "shares": grade_shares(audits),
            "count": len(audits),
        },
    )


@require_http_methods(["GET", "POST"])
def practice_week_new(request: HttpRequest) -> HttpResponse:
    la = _la(request)
    form = WeekForm(request.POST or None)

    def save(d: Mapping[str, Any]) -> HttpResponse:
        week = PracticeWeek(d["name"], d["start_date"], d["end_date"], d["notes"] or None)
        save_assurance(
            get_store(),
            la,
            AssuranceData(practice_weeks=(week,)),
            imported_by=request.user.get_username(),
        )
        return redirect(f"/assurance/weeks/?la={la}")

    return form_page(request, form, "New practice week", save)


def practice_week(request: HttpRequest, week_id: int) -> HttpResponse:
    la = _la(request)
    store = get_store()
    week = next((w for w in list_weeks(store, la) if w.id == week_id), None)
    if week is None:
        raise Http404("there is no such practice week")
    audits = list_audits(store, la, practice_week=week.name)
    record_request(
        request, "view child-level", f"audits of practice week {week_id}", count=len(audits)
    )
    return render(
        request,
        "web/practice_week.html",
        {"la": la, "week": week, "audits": audits, "shares": grade_shares(audits)},
    )


@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    la = _la(request)
    store = get_store()
    form = AuditForm(request.POST or None, initial={"audit_date": date.today()})
    cast(forms.ChoiceField, form.fields["practice_week"]).choices = [("", "None")] + [
        (w.name, w.name) for w in list_weeks(store, la)
    ]

    def save(d: Mapping[str, Any]) -> HttpResponse:
        a = Audit(
            child_id=d["child_id"].strip(),
            audit_date=d["audit_date"],
            auditor=request.user.get_username(),
            overall_grade=Grade(int(d["overall_grade"])),
            team=d["team"] or None,
            worker=d["worker"] or None,
            practice_week=d["practice_week"] or None,
            strengths=d["strengths"] or None,
            areas_for_development=d["areas_for_development"] or None,
            difference_made=d["difference_made"] or None,
        )
        new_id = add_audit(store, la, a)
        mark_audited(request)
        record_request(request, "add audit", f"audit {new_id}", la_code=la)
        return redirect(f"/assurance/audits/{new_id}/?la={la}")

    return form_page(request, form, "Enter a case audit", save)


def _audit_or_404(audit_id: int) -> Audit:
    try:
        return get_audit(get_store(), audit_id)
    except (NoData, SelfevalError):
        raise Http404("there is no such audit") from None


def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    a = _audit_or_404(audit_id)
    record_request(request, "view child-level", f"audit {audit_id}")
    return render(request, "web/audit.html", {"a": a, "labels": LABELS})


@require_http_methods(["GET", "POST"])
def audit_moderate(request: HttpRequest, audit_id: int) -> HttpResponse:
    a = _audit_or_404(audit_id)
    form = ModerationForm(request.POST or None, initial={"moderation_date": date.today()})

    def save(d: Mapping[str, Any]) -> HttpResponse:
        set_moderation(
            get_store(),
            audit_id,
            moderator=request.user.get_username(),
            grade=Grade(int(d["grade"])),
            moderation_date=d["moderation_date"],
            notes=d["notes"] or None,
        )
        mark_audited(request)
        record_request(request, "moderate audit", f"audit {audit_id}")
        return redirect(f"/assurance/audits/{audit_id}/")

    return form_page(request, form, f"Moderate audit {a.id}", save)
