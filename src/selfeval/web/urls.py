"""The URL map. Every name here has an entry in ``roles.MATRIX`` (the matrix test checks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

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


urlpatterns = [
    path("", indicators.dashboard, name="dashboard"),
    path("sign-in/", accounts.SignInView.as_view(), name="sign_in"),
    path("sign-out/", accounts.SignOutView.as_view(), name="sign_out"),
    path("healthz", accounts.healthz, name="healthz"),
    # figures
    path("indicators/", indicators.indicators, name="indicators"),
    path("annex-a/", annex_a.annex_a_pack, name="annex_a_pack"),
    path(
        "annex-a/readiness-pack.<pack:fmt>",
        annex_a.annex_a_pack_download,
        name="annex_a_pack_download",
    ),
    path("indicators/<slug:indicator_id>/", indicators.indicator, name="indicator"),
    path(
        "indicators/<slug:indicator_id>/chart.svg",
        indicators.indicator_chart,
        name="indicator_chart",
    ),
    path(
        "indicators/<slug:indicator_id>/export.<table:fmt>",
        indicators.indicator_export,
        name="indicator_export",
    ),
    path(
        "indicators/<slug:indicator_id>/children/",
        children.indicator_children,
        name="indicator_children",
    ),
    path(
        "indicators/<slug:indicator_id>/children.<table:fmt>",
        children.indicator_children_export,
        name="indicator_children_export",
    ),
    # loads
    path("loads/", loads.loads, name="loads"),
    path("loads/upload/", loads.load_upload, name="load_upload"),
    path("loads/<id:load_id>/", loads.load, name="load"),
    path("loads/<id:load_id>/undo/", loads.load_undo, name="load_undo"),
    # assurance
    path("assurance/weeks/", assurance.practice_weeks, name="practice_weeks"),
    path("assurance/weeks/new/", assurance.practice_week_new, name="practice_week_new"),
    path("assurance/weeks/<id:week_id>/", assurance.practice_week, name="practice_week"),
    path("assurance/audits/new/", assurance.audit_new, name="audit_new"),
    path("assurance/audits/<id:audit_id>/", assurance.audit, name="audit"),
    path(
        "assurance/audits/<id:audit_id>/moderate/", assurance.audit_moderate, name="audit_moderate"
    ),
    # the improvement plan
    path("plan/", plan.plan, name="plan"),
    path("plan/edit/", plan.plan_edit, name="plan_edit"),
    # the self-evaluation
    path("evaluation/", evaluation.evaluation, name="evaluation"),
    path("evaluation/findings/", evaluation.evaluation_findings, name="evaluation_findings"),
    path("evaluation/preview/", evaluation.evaluation_preview, name="evaluation_preview"),
    path(
        "evaluation/self-evaluation.<doc:fmt>",
        evaluation.evaluation_download,
        name="evaluation_download",
    ),
    path("evaluation/<slug:section>/", evaluation.evaluation_section, name="evaluation_section"),
    path(
        "evaluation/<slug:section>/edit/",
        evaluation.evaluation_section_edit,
        name="evaluation_section_edit",
    ),
    path(
        "evaluation/<slug:section>/preview/",
        evaluation.evaluation_section_preview,
        name="evaluation_section_preview",
    ),
    path(
        "evaluation/<slug:section>/history/",
        evaluation.evaluation_section_history,
        name="evaluation_section_history",
    ),
    path(
        "evaluation/<slug:section>/history/<id:number>/restore/",
        evaluation.evaluation_section_restore,
        name="evaluation_section_restore",
    ),
    # the scrutiny report
    path("scrutiny/", evaluation.scrutiny, name="scrutiny"),
    path(
        "scrutiny/scrutiny-report.<doc:fmt>", evaluation.scrutiny_download, name="scrutiny_download"
    ),
    # the regional view
    path("region/", region.region, name="region"),
    path("region/export.<table:fmt>", region.region_export, name="region_export"),
    path(
        "region/<la:la_code>/engagement-pack.<doc:fmt>",
        region.region_pack,
        name="region_pack",
    ),
    # users, roles and the audit log
    path("users/", users.users, name="users"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/<id:user_id>/role/", users.user_role, name="user_role"),
    path("users/<id:user_id>/authorities/", users.user_authorities, name="user_authorities"),
    path("audit-log/", users.audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "selfeval.web.views.errors.bad_request"
handler403 = "selfeval.web.views.errors.forbidden"
handler404 = "selfeval.web.views.errors.not_found"
handler500 = "selfeval.web.views.errors.server_error"
