"""SSDA903 (children looked after) tables, with the exact headers of DfE's CSV files.

The headers are those of DfE's 903 guidance and of ``lac_validator.config.column_names``.
"""

from selfeval.schema.base import TableSpec
from selfeval.schema.base import spec_from_header as _t


def _spells(name: str, header: str, start: str, end: str, source: str) -> TableSpec:
    """A table of a child's spells (CHILD, DOB and the spell's fields, ``start`` and ``end``
    among them): keyed by child and start, re-reported while it is open."""
    return _t(
        name,
        header,
        dates=("DOB", start, end),
        key=("CHILD", start),
        span=(start, end),
        source=source,
    )


TABLES: tuple[TableSpec, ...] = (
    _t(
        "ssda903_header",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        dates=("DOB", "MC_DOB"),
        key=("CHILD",),
        required=("CHILD", "SEX", "DOB"),
        source="Header",
    ),
    _t(
        "ssda903_episodes",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN",
        dates=("DECOM", "DEC"),
        key=("CHILD", "DECOM"),
        required=("CHILD", "DECOM", "RNE", "LS", "PLACE"),
        span=("DECOM", "DEC"),
        source="Episodes",
    ),
    _t(
        "ssda903_reviews",
        "CHILD,DOB,REVIEW,REVIEW_CODE",
        dates=("DOB", "REVIEW"),
        key=("CHILD", "REVIEW"),
        source="Reviews",
    ),
    _t("ssda903_uasc", "CHILD,SEX,DOB,DUC", dates=("DOB", "DUC"), key=("CHILD",), source="UASC"),
    _t(
        "ssda903_oc2",
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
        dates=("DOB",),
        integers=("SDQ_SCORE",),
        key=("CHILD",),
        per_year=True,
        source="OC2",
    ),
    _t(
        "ssda903_oc3",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
        dates=("DOB",),
        key=("CHILD",),
        per_year=True,
        source="OC3",
    ),
    _t(
        "ssda903_ad1",
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
        dates=("DOB", "DATE_INT", "DATE_MATCH"),
        key=("CHILD",),
        source="AD1",
    ),
    _spells(
        "ssda903_placed_adoption",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "PlacedAdoption",
    ),
    # DATE_PERM may be partly unknown ("zz/zz/2015"), so it stays text.
    _t(
        "ssda903_prev_perm",
        "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
        dates=("DOB",),
        key=("CHILD",),
        source="PrevPerm",
    ),
    _spells(
        "ssda903_missing", "CHILD,DOB,MISSING,MIS_START,MIS_END", "MIS_START", "MIS_END", "Missing"
    ),
    _spells(
        "ssda903_sw_episodes",
        "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
        "SW_DECOM",
        "SW_DEC",
        "SWEpisodes",
    ),
    _spells("ssda903_dolo", "CHILD,DOB,DOLO_START,DOLO_END", "DOLO_START", "DOLO_END", "DoLo"),
)

COLLECTED_FROM: dict[str, int] = {
    "ssda903_sw_episodes": 2024,
    "ssda903_dolo": 2027,
}
"""The first return year whose 903 collected a table, where later than 2017: social worker
episodes from 2023/24 (liia-tools' 903 schemas 2017-2024 add ``SocialWorker`` in 2024; D2I's
rules for it start with lac2023_24), deprivation of liberty orders (DoLo) from 2026/27 (D2I's
rules for it start with lac2026_27). A return of an earlier year has no such table."""
