"""Placement stability, short and long term, on hand-made 903 histories (year to 31/03/2019)."""

from __future__ import annotations

from builders import episode, result, sources, value


def moves(child: str, *steps: tuple[str, str, str], end: str | None = None, **kw) -> list[dict]:
    """A chain of episodes (DECOM, RNE, PLACE); each ends (X1) when the next starts."""
    rows = []
    for i, (decom, rne, place) in enumerate(steps):
        nxt = steps[i + 1][0] if i + 1 < len(steps) else end
        rec = ("X1" if i + 1 < len(steps) else "E11") if nxt else None
        rows.append(episode(child, decom, rne, place=place, DEC=nxt, REC=rec, **kw))
    return rows


def test_three_or_more_placements_in_the_year():
    """Denominator: A, B, C, E looked after on 31/03/2019 (D a short break, F left) = 4.

    A  placement moves within the year: current on 1 April + P June + P Sept = 3   -> counts
    B  a legal-status change (L) is not a move: 1 + P Sept = 2                     -> no
    C  same-carer changes (T, U) count as placements (recorded choice): S, T, U = 3 -> counts
    D  short breaks (V3), four of them                                             -> left out
    E  a move on 1 April itself: the placement ending that day counts, + 2 P = 3   -> counts
    F  three placements but left care in February: not looked after on 31 March   -> left out
    3 of 4 = 75%.
    """
    eps = [
        *moves(
            "A", ("2018-01-01", "S", "U1"), ("2018-06-01", "P", "U4"), ("2018-09-01", "P", "U1")
        ),
        *moves(
            "B", ("2018-01-01", "S", "U1"), ("2018-06-01", "L", "U1"), ("2018-09-01", "P", "U4")
        ),
        *moves(
            "C", ("2018-05-01", "S", "U1"), ("2018-07-01", "T", "U1"), ("2018-10-01", "U", "U1")
        ),
        *moves(
            "D",
            ("2018-05-01", "S", "T1"),
            ("2018-06-01", "P", "T1"),
            ("2018-07-01", "P", "T1"),
            ("2018-08-01", "P", "T1"),
            ls="V3",
        ),
        *moves(
            "E", ("2017-01-01", "S", "U1"), ("2018-04-01", "P", "U4"), ("2018-05-01", "P", "U1")
        ),
        *moves(
            "F",
            ("2018-05-01", "S", "U1"),
            ("2018-06-01", "P", "U4"),
            ("2018-07-01", "P", "U1"),
            end="2019-02-01",
        ),
    ]
    r = result(sources(ssda903_episodes=eps), "stability_3plus_placements_pct", "2019-03-31")
    assert (r.numerator, r.denominator, r.value) == (3, 4, 75.0)
    assert (str(r.period_start), str(r.period_end)) == ("2018-04-01", "2019-03-31")


def test_an_episode_spanning_31_march_is_the_current_placement_next_year():
    """A placement from 2019-01-01 is current on 1 April 2019: with two moves in 2019/20 that
    makes 3 placements in the year to 31/03/2020; in 2018/19 the child had only 1."""
    eps = moves(
        "A", ("2019-01-01", "S", "U1"), ("2019-06-01", "P", "U4"), ("2019-09-01", "P", "U1")
    )
    src = sources(ssda903_episodes=eps)
    assert value(src, "stability_3plus_placements_pct", "2020-03-31") == 100.0
    assert value(src, "stability_3plus_placements_pct", "2019-03-31") == 0.0


def test_long_term_stability():
    """On 31/03/2019: in care since 30/09/2016 or earlier, placement since 31/03/2017 or earlier.

    G  stable since 2015, aged 11                                   -> in both
    H  turning 16 on the date (born 31/03/2003): 16, not under 16   -> left out
    I  aged 15 (16 tomorrow), moved in 2018                         -> denominator only
    J  a legal-status change (L) in 2018 is not a move              -> in both
    K  placed for adoption (A5) in 2018 by the foster carer he had
       since 2016: adoptive plus previous placement 2+ years        -> in both
    L  in care since 2017: not 2.5 years                            -> left out
    M  in care exactly 2.5 years (since 30/09/2016)                 -> in both
    N  the returns loaded begin with his placement (P, 2015): his
       care began before it, so he has been in care since at least
       2015, in that placement                                      -> in both
    O  the returns begin with an L episode of 2018: in care and in
       that placement since at least 2018 only                      -> left out
    5 of 6 = 83.3%.
    """
    eps = [
        episode("G", "2015-01-01"),
        episode("H", "2015-01-01"),
        *moves("I", ("2015-01-01", "S", "U1"), ("2018-01-01", "P", "U4")),
        *moves("J", ("2015-01-01", "S", "U1"), ("2018-01-01", "L", "U1")),
        *moves("K", ("2016-01-01", "S", "U1"), ("2018-06-01", "P", "A5")),
        episode("L", "2017-01-01"),
        episode("M", "2016-09-30"),
        episode("N", "2015-06-01", "P"),
        episode("O", "2018-01-01", "L"),
    ]
    dobs = {"G": "2008-01-01", "H": "2003-03-31", "I": "2003-04-01", "J": "2010-01-01"}
    dobs |= {"K": "2014-01-01", "L": "2010-01-01", "M": "2010-01-01", "N": "2009-01-01"}
    dobs |= {"O": "2009-01-01"}
    header = [{"CHILD": c, "SEX": "1", "DOB": d} for c, d in dobs.items()]
    src = sources(ssda903_episodes=eps, ssda903_header=header)
    r = result(src, "stability_long_term_pct", "2019-03-31")
    assert (r.numerator, r.denominator) == (5, 6)


def test_placed_for_adoption_needs_the_two_placements_to_last_two_years():
    """K's adoptive placement (A5, June 2018) follows a foster placement from only 2017-06-01:
    21 months together on 31/03/2019, so she is in the denominator but not stable."""
    eps = [
        episode("K", "2016-01-01", place="K2", DEC="2017-06-01", REC="X1"),
        *moves("K", ("2017-06-01", "P", "U1"), ("2018-06-01", "P", "A5")),
    ]
    header = [{"CHILD": "K", "SEX": "2", "DOB": "2014-01-01"}]
    r = result(
        sources(ssda903_episodes=eps, ssda903_header=header),
        "stability_long_term_pct",
        "2019-03-31",
    )
    assert (r.numerator, r.denominator) == (0, 1)
