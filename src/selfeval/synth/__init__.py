"""Synthetic local authorities in the real return formats: the demo's, tests' and benchmarks' data.

Nothing here is real child data: every child is drawn from a seeded random generator, so the
same seed gives byte-identical files. The public API:

- ``AuthorityConfig`` and ``Rates``: what to build (size, years, seed, knobs, exact targets).
- ``build_authority(config)``: the life-course model (``Authority`` of ``Child`` records).
- ``write_authority(authority, out)``: every return, one folder per return and year.
- ``synthesise(out, config)``: both at once; ``write_903`` keeps the skeleton's signature.
- ``visits(child, authority)``: the dates workers saw a child (for the SSD and audits).
"""

from __future__ import annotations

from pathlib import Path

from selfeval.schema.ssd import spec_folder
from selfeval.synth.annex_a import write_annex_a_year
from selfeval.synth.authority import build_authority
from selfeval.synth.cin_census import write_cin_year
from selfeval.synth.config import ENGLAND, TARGET_MEASURES, AuthorityConfig, Rates
from selfeval.synth.model import Authority, Child, Worker
from selfeval.synth.simulate import population_for
from selfeval.synth.ssda903 import write_903_year
from selfeval.synth.visits import visits
from selfeval.synth.workforce import write_workforce_year

RETURNS = ("903", "cin", "annex_a", "workforce", "ssd")
"""What ``write_authority`` writes; the SSD extract needs the SSD's specifications
(``selfeval.schema.ssd.spec_folder``) and is left out when they are not at hand."""
QUALITY = "quality"
"""Also in ``returns``: the audits and improvement-plan workbooks (``out/quality/*.xlsx``)."""


def write_authority(
    authority: Authority, out: Path, returns: tuple[str, ...] = RETURNS
) -> list[Path]:
    """Write each return for each year: ``out/903/YYYY/*.csv``, ``out/cin/YYYY/cin_YYYY.xml``,
    ``out/annex_a/YYYY/annex_a_YYYY.xlsx`` and ``out/workforce/YYYY/csww_YYYY.xml`` (the CSWW
    census at 30 September YYYY, for each 30 September inside the return years)."""
    out = Path(out)
    paths: list[Path] = []
    for year in authority.years:
        if "903" in returns:
            paths += write_903_year(authority, year, out / "903" / str(year))
        if "cin" in returns:
            paths.append(write_cin_year(authority, year, out / "cin" / str(year)))
        if "annex_a" in returns:
            paths.append(write_annex_a_year(authority, year, out / "annex_a" / str(year)))
        if "workforce" in returns:
            paths.append(
                write_workforce_year(authority, year - 1, out / "workforce" / str(year - 1))
            )
    if "ssd" in returns and spec_folder() is not None:
        from selfeval.synth.ssd import write_ssd

        paths += write_ssd(authority, out / "ssd")
    if QUALITY in returns:
        from selfeval.synth.quality import write_authority_quality

        paths += write_authority_quality(authority, out / "quality")
    return paths


def synthesise(
    out: Path, config: AuthorityConfig | None = None, returns: tuple[str, ...] = RETURNS
) -> tuple[Authority, list[Path]]:
    """Build an authority and write its returns under ``out``."""
    authority = build_authority(config)
    return authority, write_authority(authority, out, returns)


def write_903(
    out: Path,
    *,
    children: int = 200,
    years: range = range(2019, 2021),
    seed: int = 1,
    la_code: str = "999",
) -> list[Path]:
    """The skeleton's entry: only the 903 tables, one folder per return year (``out/903/YYYY``)."""
    cfg = AuthorityConfig(la_code=la_code, children=children, years=years, seed=seed)
    return synthesise(out, cfg, returns=("903",))[1]


__all__ = [
    "ENGLAND",
    "QUALITY",
    "RETURNS",
    "TARGET_MEASURES",
    "Authority",
    "AuthorityConfig",
    "Child",
    "Rates",
    "Worker",
    "build_authority",
    "population_for",
    "synthesise",
    "visits",
    "write_903",
    "write_authority",
]
