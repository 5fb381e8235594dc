"""Children looked after (SSDA903)."""

from __future__ import annotations

import ibis

from selfeval.indicators.registry import indicator
from selfeval.indicators.sources import Sources, open_at

SHORT_BREAKS = ("V3", "V4")


@indicator(
    id="cla_count",
    area="looked_after",
    title="Children looked after",
    definition=(
        "The number of children looked after on the date: children with a care episode that "
        "started on or before the date and had not ended before or on it. Children in a series "
        "of short breaks (legal status V3 or V4) are not counted; unaccompanied asylum-seeking "
        "children are."
    ),
    numerator="children with an episode open on the date, excluding short breaks (V3, V4)",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=("ssda903_episodes",),
    dfe_reference="Children looked after in England, table A1: number at 31 March",
    suppression="cla",
)
def cla_count(src: Sources, periods: ibis.Table) -> ibis.Table:
    e = src.table("ssda903_episodes")
    j = e.cross_join(periods)
    j = j.filter(open_at(j.DECOM, j.DEC, j.period_end), ~j.LS.isin(SHORT_BREAKS))
    return j.group_by(["la_code", "period_end"]).aggregate(numerator=j.CHILD.nunique())
