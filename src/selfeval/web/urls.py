"""The URL map. Every name here has an entry in ``roles.MATRIX`` (the matrix test checks)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLPattern, include, path, register_converter

from selfeval.web.ids import IdConverter
from selfeval.web.views import (
    accounts,
    annex_a,
    assurance,
    children,
    evaluation,
    indicators,
    loads,
    plan,
    region,
    users,
)


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DocFormatConverter(FormatConverter):
    regex = "docx|pdf|html"


class PackFormatConverter(FormatConverter):
    regex = "html|pdf|xlsx"


class LaCodeConverter(FormatConverter):
    regex = "[0-9]{3}"


register_converter(FormatConverter, "table")
register_converter(DocFormatConverter, "doc")
register_converter(LaCodeConverter, "la")
register_converter(IdConverter, "id")
register_converter(PackFormatConverter, "pack")


def page(route: str, view: Callable[..., HttpResponse]) -> URLPattern:
    """A page's URL, named for its view (the name ``roles.MATRIX`` and templates use)."""
    return path(route, view, name=view.__name__)


urlpatterns = [
    page("", indicators.dashboard),
    path("sign-in/", accounts.SignInView.as_view(), name="sign_in"),
    path("sign-out/", accounts.SignOutView.as_view(), name="sign_out"),
    page("healthz", accounts.healthz),
    # figures
    page("indicators/", indicators.indicators),
    page("annex-a/", annex_a.annex_a_pack),
    page("annex-a/readiness-pack.<pack:fmt>", annex_a.annex_a_pack_download),
    page("indicators/<slug:indicator_id>/", indicators.indicator),
    page("indicators/<slug:indicator_id>/chart.svg", indicators.indicator_chart),
    page("indicators/<slug:indicator_id>/export.<table:fmt>", indicators.indicator_export),
    page("indicators/<slug:indicator_id>/children/", children.indicator_children),
    page("indicators/<slug:indicator_id>/children.<table:fmt>", children.indicator_children_export),
    # loads
    page("loads/", loads.loads),
    page("loads/upload/", loads.load_upload),
    page("loads/<id:load_id>/", loads.load),
    page("loads/<id:load_id>/undo/", loads.load_undo),
    # assurance
    page("assurance/weeks/", assurance.practice_weeks),
    page("assurance/weeks/new/", assurance.practice_week_new),
    page("assurance/weeks/<id:week_id>/", assurance.practice_week),
    page("assurance/audits/new/", assurance.audit_new),
    page("assurance/audits/<id:audit_id>/", assurance.audit),
    page("assurance/audits/<id:audit_id>/moderate/", assurance.audit_moderate),
    # the improvement plan
    page("plan/", plan.plan),
    page("plan/edit/", plan.plan_edit),
    # the self-evaluation
    page("evaluation/", evaluation.evaluation),
    page("evaluation/findings/", evaluation.evaluation_findings),
    page("evaluation/preview/", evaluation.evaluation_preview),
    page("evaluation/self-evaluation.<doc:fmt>", evaluation.evaluation_download),
    page("evaluation/<slug:section>/", evaluation.evaluation_section),
    page("evaluation/<slug:section>/edit/", evaluation.evaluation_section_edit),
    page("evaluation/<slug:section>/preview/", evaluation.evaluation_section_preview),
    page("evaluation/<slug:section>/history/", evaluation.evaluation_section_history),
    page(
        "evaluation/<slug:section>/history/<id:number>/restore/",
        evaluation.evaluation_section_restore,
    ),
    # the scrutiny report
    page("scrutiny/", evaluation.scrutiny),
    page("scrutiny/scrutiny-report.<doc:fmt>", evaluation.scrutiny_download),
    # the regional view
    page("region/", region.region),
    page("region/export.<table:fmt>", region.region_export),
    page("region/<la:la_code>/engagement-pack.<doc:fmt>", region.region_pack),
    # users, roles and the audit log
    page("users/", users.users),
    page("users/new/", users.user_new),
    page("users/<id:user_id>/role/", users.user_role),
    page("users/<id:user_id>/authorities/", users.user_authorities),
    page("audit-log/", users.audit_log),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "selfeval.web.views.errors.bad_request"
handler403 = "selfeval.web.views.errors.forbidden"
handler404 = "selfeval.web.views.errors.not_found"
handler500 = "selfeval.web.views.errors.server_error"
