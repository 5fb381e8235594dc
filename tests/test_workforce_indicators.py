"""Social work workforce (CSWW census at 30 September 2020), on a hand-made census."""

from __future__ import annotations

from builders import result, sources, value
from selfeval.indicators.definitions.workforce import VACANCIES, WORKERS


def worker(sw: str, agency: str, fte: float, **kw) -> dict:
    return {"SWENo": sw, "AgencyWorker": agency, "FTE": fte, "return_year": 2020, **kw}


CENSUS = {
    WORKERS: [
        worker("W1", "0", 1.0, FTE30=1.0, Cases30=20, WorkingDaysLost=10.0),
        worker("W2", "0", 0.5, FTE30=0.5, Cases30=0, WorkingDaysLost=0.0),
        worker("W3", "0", 1.0, RoleEndDate="2020-06-30"),  # left in the year
        worker("W5", "1", 1.0, FTE30=1.0, Cases30=10),  # agency, holding cases
    ],
    VACANCIES: [{"NumberOfVacancies": 0.5, "NoAgencyFTE": 1.5, "return_year": 2020}],
}
AT = "2020-09-30"


def test_turnover_agency_and_vacancy_rates():
    """Employed in post: W1 1.0 + W2 0.5 = 1.5 FTE. Leavers: W3 1.0 -> turnover 1.0 / 1.5 =
    66.7%. Agency in post W5 1.0 -> 1.0 / (1.0 + 1.5) = 40% (NoAgencyFTE, the agency cover of
    vacancies, is not in the agency rate: DfE's agency_fte is the worker rows'). Vacancies
    0.5 / (0.5 + 1.5) = 25%."""
    src = sources(**CENSUS)
    r = result(src, "sw_turnover_pct", AT)
    assert (r.numerator, r.denominator) == (1.0, 1.5)
    assert value(src, "sw_agency_pct", AT) == 40.0
    assert value(src, "sw_vacancy_pct", AT) == 25.0


def test_agency_cover_is_the_census_noagencyfte():
    """DfE publishes NoAgencyFTE as agency_cover_fte: over the agency FTE in post (W5 1.0) it
    is the agency cover rate, 1.5 / 1.0 = 150% in this made-up census (liia-tools' sample has
    NoAgencyFTE 59.82 too); over vacancies, 1.5 / 0.5 = 300%. Wolverhampton 2020 as
    published: 25.5 / 25.5 and 25.5 / 35.4 = 72.0%."""
    src = sources(**CENSUS)
    r = result(src, "sw_agency_cover_pct", AT)
    assert (r.numerator, r.denominator, r.value) == (1.5, 1.0, 150.0)
    r = result(src, "sw_vacancy_agency_cover_pct", AT)
    assert (r.numerator, r.denominator, r.value) == (1.5, 0.5, 300.0)
    wolverhampton = sources(
        **{
            WORKERS: [worker("A", "1", 25.5, FTE30=25.5), worker("E", "0", 191.2, FTE30=191.2)],
            VACANCIES: [{"NumberOfVacancies": 35.4, "NoAgencyFTE": 25.5, "return_year": 2020}],
        }
    )
    assert round(value(wolverhampton, "sw_vacancy_agency_cover_pct", AT), 1) == 72.0
    assert round(value(wolverhampton, "sw_agency_pct", AT), 1) == 11.8


def test_caseload_counts_case_holders_only():
    """Case holders: W1 (20 cases, 1.0 FTE) and agency W5 (10, 1.0); W2 holds none.
    30 / 2.0 = 15."""
    assert value(sources(**CENSUS), "sw_caseload", AT) == 15.0


def test_absence_rate_over_the_working_days_of_the_census_year():
    """1 October 2019 to 30 September 2020: 262 weekdays less 8 bank holidays (25 and 26
    December, 1 January, 10 and 13 April, 8 and 25 May, 31 August) = 254 working days.
    10 days lost / (1.5 FTE x 254) = 2.62%."""
    r = result(sources(**CENSUS), "sw_absence_pct", AT)
    assert (r.numerator, r.denominator) == (10.0, 1.5 * 254)


def test_the_census_before_the_date_is_used():
    """On 31/03/2021 the latest census is still September 2020's; the figure covers its year."""
    r = result(sources(**CENSUS), "sw_turnover_pct", "2021-03-31")
    assert (str(r.period_start), str(r.period_end)) == ("2019-10-01", "2020-09-30")
    assert r.numerator == 1.0


def test_a_census_where_nobody_left_has_a_turnover_of_nought():
    """W1 and W2 in post (1.5 FTE), nobody left and nobody holds cases: turnover 0 / 1.5 = 0%,
    not a blank; caseload has no case holders, so nothing to measure (with its reason)."""
    src = sources(**{WORKERS: CENSUS[WORKERS][:2]})
    r = result(src, "sw_turnover_pct", AT)
    assert (r.value, r.numerator, r.denominator) == (0.0, 0.0, 1.5)
    src = sources(**{WORKERS: [worker("W2", "0", 0.5, FTE30=0.5, Cases30=0)]})
    r = result(src, "sw_caseload", AT)
    assert r.value is None and r.denominator == 0.0 and "nothing to measure" in r.reason
