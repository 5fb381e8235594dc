"""The improvement plan, over ``selfeval.plans``: priorities, actions with their RAG status,
and targets measured against the indicators. Plans are loaded as workbooks on the loads page;
here people update an action's status. The page shows the latest plan year, or the one in
``?year=2023-24``."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from selfeval.errors import SelfevalError
from selfeval.outputs.disclosure import SUPPRESSED, public_target
from selfeval.outputs.formatting import NOT_COMPUTED, format_figure, format_number, long_date
from selfeval.plans.progress import TargetProgress, target_progress
from selfeval.plans.records import STATUSES, check_plan_year
from selfeval.plans.repository import plan as get_plan
from selfeval.plans.repository import plan_years, set_action_status
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.disclosure import needs_control
from selfeval.web.ids import RecordIdField
from selfeval.web.store import get_store
from selfeval.web.views.base import scope_or_404


def plan(request: HttpRequest) -> HttpResponse:
    la = scope_or_404(request).la_code
    store = get_store()
    years = plan_years(store, la)
    if not years:
        return render(request, "web/plan.html", {"la": la, "plan": None})
    year = request.GET.get("year") or years[-1]
    if year not in years:
        raise Http404("there is no such plan year")
    p = get_plan(store, la, year)
    try:
        progress = target_progress(store, la, p)
    except SelfevalError:
        progress = []
    if needs_control(request.user):
        progress = [public_target(t) for t in progress]
    today = date.today()
    targets = [_target_row(t) for t in progress]
    priorities = [
        (pr, [(a, a.overdue(today)) for a in p.actions_of(pr.ref)]) for pr in p.priorities
    ]
    return render(
        request,
        "web/plan.html",
        {
            "la": la,
            "plan": p,
            "years": years,
            "priorities": priorities,
            "targets": targets,
            "targets_at": long_date(max(t.at for t in progress)) if progress else "",
            "any_suppressed": any(t.suppressed for t in progress),
            "statuses": STATUSES,
            "today": today,
        },
    )


def _target_row(t: TargetProgress) -> tuple[str, str, str, str, str]:
    """A target's title, baseline, value, target and progress as every output writes them
    (``outputs.formatting``); ``c`` where disclosure control hid a value."""

    def shown(name: str, value: float | None) -> str:
        return SUPPRESSED if name in t.suppressed else format_figure(value, t.unit)

    progress = t.progress_pct
    return (
        t.title,
        shown("baseline", t.baseline),
        shown("value", t.value),
        format_number(t.target.target_value, t.unit),
        NOT_COMPUTED if progress is None else format_number(progress, "percent", rounded=True),
    )


class ActionStatusForm(forms.Form):
    """One action's new status; its id read strictly, as the authority check read it."""

    action_id = RecordIdField()
    status = forms.CharField(strip=False)
    evidence_of_impact = forms.CharField(required=False, strip=False)
    plan_year = forms.CharField(required=False)
    """The plan year the page showed, to show again (the latest when blank)."""

    def clean_plan_year(self) -> str:
        year = str(self.cleaned_data.get("plan_year") or "")
        try:
            return check_plan_year(year) if year else ""
        except ValueError as e:
            raise ValidationError(str(e)) from None


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest) -> HttpResponse:
    la = scope_or_404(request).la_code
    if request.method == "POST":
        form = ActionStatusForm(request.POST)
        if not form.is_valid():
            problem = "; ".join(
                f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()
            )
            return render(request, "web/document_problem.html", {"problem": problem}, status=400)
        d = form.cleaned_data
        try:
            before = set_action_status(
                get_store(),
                d["action_id"],
                d["status"],
                d["evidence_of_impact"] or None,
                la_code=la,
            )
        except SelfevalError as e:
            return render(request, "web/document_problem.html", {"problem": str(e)}, status=400)
        mark_audited(request)
        record_request(
            request,
            "set action status",
            f"plan action {d['action_id']}",
            la_code=la,
            old=before,
            new=d["status"],
        )
        if d["plan_year"]:
            return redirect(f"/plan/?la={la}&year={d['plan_year']}")
    return redirect(f"/plan/?la={la}")
