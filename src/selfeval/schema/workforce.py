"""The children and family social work workforce return (CSWW), at 30 September.

Fields are DfE's CSWW data items as its XML schema names them (``CSWWWorker`` one row per
worker, ``LALevelVacancies`` one row per authority; the element names of DfE's COLLECT
schema, as data-to-insight's liia-tools reads it). Codes (DfE's):

- ``AgencyWorker`` 0 employed by the LA, 1 agency worker.
- ``OrgRole`` 1 senior manager, 2 middle manager, 3 first line manager, 4 senior
  practitioner, 5 case holder, 6 qualified without cases.
- ``StartOrigin`` where a starter came from; ``LeaverDestination`` and ``ReasonLeave`` (1
  resignation ... 7 moved to a non-children's social work role in the LA) for leavers.
- ``RoleStartDate`` / ``RoleEndDate``: a starter in the year to 30 September has a start date
  in it; a leaver an end date in it. ``FTE`` is the worker's full-time equivalent (a leaver's
  at leaving); ``FTE30`` at 30 September. ``Cases30`` cases held at 30 September;
  ``WorkingDaysLost`` working days lost to sickness absence in the year.

What the published indicators (csww_indicators_2017_to_2025.csv) are made of, per LA:
inpost_fte = FTE of non-agency workers in post at 30 September; leavers_fte = FTE of
non-agency leavers in the year; turnover = leavers_fte / inpost_fte; agency_fte = FTE of agency
workers at 30 September, agency rate = agency_fte / (agency_fte + inpost_fte); vacancy_fte =
``NumberOfVacancies``, vacancy rate = vacancy_fte / (vacancy_fte + inpost_fte);
agency_cover_fte = ``NoAgencyFTE`` (agency workers covering vacancies); caseload = sum of
``Cases30`` / FTE of case holders (workers holding at least one case); absence rate =
working_days_lost / (inpost_fte x working days in the year).

The return year is the census year: 2020 is the return at 30 September 2020 (EES's
time_period 2020). Each year is a separate snapshot: nothing merges across years.
"""

from selfeval.schema.base import TableSpec
from selfeval.schema.base import spec_from_header as _t

TABLES: tuple[TableSpec, ...] = (
    _t(
        "workforce_header",
        "Collection,Year,ReferenceDate,SourceLevel,LEA,SoftwareCode,DateTime",
        dates=("ReferenceDate",),
        per_year=True,
        source="Header",
    ),
    _t(
        "workforce_workers",
        "AgencyWorker,SWENo,FTE,PersonBirthDate,GenderCurrent,Ethnicity,QualInst,QualLevel,"
        "StepUpGrad,OrgRole,RoleStartDate,StartOrigin,RoleEndDate,LeaverDestination,"
        "ReasonLeave,FTE30,Cases30,WorkingDaysLost,ContractWeeks,FrontlineGrad,Absat30Sept,"
        "ReasonAbsence,CFKSSstatus",
        dates=("PersonBirthDate", "RoleStartDate", "RoleEndDate"),
        numbers=("FTE", "FTE30", "WorkingDaysLost", "ContractWeeks"),
        integers=("Cases30",),
        key=("SWENo", "AgencyWorker", "RoleStartDate"),
        required=("AgencyWorker", "SWENo"),
        per_year=True,
        source="CSWWWorker",
    ),
    _t(
        "workforce_vacancies",
        "NumberOfVacancies,NoAgencyFTE,NoAgencyHeadcount",
        numbers=("NumberOfVacancies", "NoAgencyFTE"),
        integers=("NoAgencyHeadcount",),
        per_year=True,
        source="LALevelVacancies",
    ),
)
