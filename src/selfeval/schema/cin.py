"""CIN census tables: the XML's elements as the columns of DfE's validator's tables.

Names and columns follow ``cin_validator.ingress.XMLtoCSV`` exactly; the ids it assigns
(``CINdetailsID``, ``AssessmentID``, ``CPPID``) link rows within one return only, so across
returns a CIN episode is identified by (LAchildID, CINreferralDate) and its sub-tables follow it.
CIN XML dates are ISO (YYYY-MM-DD).
"""

from selfeval.schema.base import TableSpec
from selfeval.schema.base import spec_from_header as _t

_DETAIL = ("cin_details", "CINdetailsID")


def _activity(
    name: str,
    header: str,
    dates: tuple[str, ...],
    ends: tuple[str, ...],
    source: str,
    integers: tuple[str, ...] = (),
) -> TableSpec:
    """Activity within a CIN episode (``cin_details``, linked by CINdetailsID): told apart
    within its episode by its first date, ended by the first of ``ends`` given."""
    return _t(
        name,
        header,
        dates=dates,
        integers=("CINdetailsID", *integers),
        parent=_DETAIL,
        activity=((dates[0],), ends),
        source=source,
    )


TABLES: tuple[TableSpec, ...] = (
    _t(
        "cin_header",
        "Collection,Year,ReferenceDate,SourceLevel,LEA,SoftwareCode,Release,SerialNo,DateTime",
        dates=("ReferenceDate",),
        per_year=True,
        source="Header",
    ),
    _t(
        "cin_child_identifiers",
        "LAchildID,UPN,FormerUPN,UPNunknown,PersonBirthDate,"
        "ExpectedPersonBirthDate,GenderCurrent,Sex,PersonDeathDate",
        dates=("PersonBirthDate", "ExpectedPersonBirthDate", "PersonDeathDate"),
        key=("LAchildID",),
        required=("LAchildID",),
        source="ChildIdentifiers",
    ),
    _t(
        "cin_child_characteristics",
        "LAchildID,Ethnicity",
        key=("LAchildID",),
        source="ChildCharacteristics",
    ),
    _t(
        "cin_disabilities",
        "LAchildID,Disability",
        parent=("cin_child_identifiers", "LAchildID"),
        source="Disabilities",
    ),
    _t(
        "cin_details",
        "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,PrimaryNeedCode,"
        "CINclosureDate,ReasonForClosure,DateOfInitialCPC,ReferralNFA",
        dates=("CINreferralDate", "CINclosureDate", "DateOfInitialCPC"),
        integers=("CINdetailsID",),
        key=("LAchildID", "CINreferralDate"),
        span=("CINreferralDate", "CINclosureDate"),
        source="CINdetails",
    ),
    _activity(
        "cin_assessments",
        "LAchildID,CINdetailsID,AssessmentID,AssessmentActualStartDate,"
        "AssessmentInternalReviewDate,AssessmentAuthorisationDate,AssessmentFactors",
        dates=(
            "AssessmentActualStartDate",
            "AssessmentInternalReviewDate",
            "AssessmentAuthorisationDate",
        ),
        integers=("AssessmentID",),
        ends=("AssessmentAuthorisationDate",),
        source="Assessments",
    ),
    _t(
        "cin_assessment_factors",
        "LAchildID,CINdetailsID,AssessmentID,AssessmentFactor",
        integers=("CINdetailsID", "AssessmentID"),
        parent=("cin_assessments", "AssessmentID"),
        source="AssessmentFactorsList",
    ),
    _activity(
        "cin_plan_dates",
        "LAchildID,CINdetailsID,CINPlanStartDate,CINPlanEndDate",
        dates=("CINPlanStartDate", "CINPlanEndDate"),
        ends=("CINPlanEndDate",),
        source="CINplanDates",
    ),
    _activity(
        "cin_section47",
        "LAchildID,CINdetailsID,S47ActualStartDate,InitialCPCtarget,"
        "DateOfInitialCPC,ICPCnotRequired",
        dates=("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC"),
        # an enquiry has no end date: it is over at its ICPC, else (none held yet, or none
        # needed) it is an event of the day it started
        ends=("DateOfInitialCPC", "S47ActualStartDate"),
        source="Section47",
    ),
    _activity(
        "cin_cp_plans",
        "LAchildID,CINdetailsID,CPPID,CPPstartDate,CPPendDate,"
        "InitialCategoryOfAbuse,LatestCategoryOfAbuse,NumberOfPreviousCPP",
        dates=("CPPstartDate", "CPPendDate"),
        integers=("CPPID", "NumberOfPreviousCPP"),
        ends=("CPPendDate",),
        source="ChildProtectionPlans",
    ),
    _activity(
        "cin_cp_reviews",
        "LAchildID,CINdetailsID,CPPID,CPPreviewDate",
        dates=("CPPreviewDate",),
        integers=("CPPID",),
        ends=("CPPreviewDate",),
        source="Reviews",
    ),
    _activity(
        "cin_pre_proceedings",
        "LAchildID,CINdetailsID,PPStartDate,LBPSentDate,FGDMMeetingOffer,FGDMMeetingFac,"
        "InitialPPMeetingDate,ReviewMeetingsCount,StepDecisionDate,PPOutcome,CourtAppDate,"
        "LetterInitCPDate",
        dates=(
            "PPStartDate",
            "LBPSentDate",
            "InitialPPMeetingDate",
            "StepDecisionDate",
            "CourtAppDate",
            "LetterInitCPDate",
        ),
        integers=("ReviewMeetingsCount",),
        ends=("StepDecisionDate", "PPStartDate"),
        source="PreProceedings",
    ),
)

COLLECTED_FROM: dict[str, int] = {
    "cin_plan_dates": 2022,
    "cin_pre_proceedings": 2026,
}
"""The first return year whose census collected a table (its items), where later than 2017:
CIN plan dates from 2021/22 (``CINPlanDates`` enters DfE's schema in 2022: liia-tools' copies
of the CIN XSDs 2017-2024), the pre-proceedings and family group decision-making block
``PreProceedingsandFGDM`` from 2025/26 (D2I's validator reads it as ``PreProceedings``). A
return of an earlier year has no such table: its figures are "no data", not 0."""

FIELDS_COLLECTED_FROM: dict[str, int] = {"Sex": 2025}
"""Items that entered a table later: ``Sex`` replaced ``GenderCurrent`` in 2024/25."""
