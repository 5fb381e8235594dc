"""Reading DfE's explore-education-statistics (EES) CSVs into long form with DuckDB.

An EES file has geography and time columns, then filter columns (text that picks a breakdown,
such as ``population_type``) and measure columns (numbers, or a suppression marker such as
``c``). Each measure cell becomes one row: (measure, breakdown, time_period, geography, value,
status). A suppressed cell keeps its marker as ``status`` and has no value: it is never read
as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from selfeval.errors import InputError, Location

MAX_BYTES = 512 * 1024 * 1024
"""A published EES file is a few MB; refuse anything absurdly large rather than exhaust memory."""

REQUIRED = ("time_period", "time_identifier", "geographic_level")
GEOGRAPHY = frozenset(
    {
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "lad_code",
        "lad_name",
        "pcon_code",
        "pcon_name",
        "english_devolved_area_code",
        "english_devolved_area_name",
        "opportunity_area_code",
        "opportunity_area_name",
        "lsip_code",
        "lsip_name",
    }
)
LEVELS = {"National": "National", "Regional": "Regional", "Local authority": "Local authority"}
"""The geographic levels kept; EES files may also hold others (e.g. parliamentary constituency)."""

SUPPRESSION_MARKERS = frozenset(
    {"c", "x", "z", "k", "u", "low", ":", "..", ".", "-", "~", "*", "n/a", "na", "supp", "dns"}
)
"""DfE's disclosure markers (c suppressed, x not available, z not applicable, k under 0.5 %,
u low reliability, low = fewer than 0.5) and the older symbols some releases used."""

COLUMN_NAME = re.compile(r"[A-Za-z0-9_]{1,120}")
LA_CODE = "[0-9]{3}( ?/ ?[0-9]{3})*"
"""A DfE authority code; a few workforce rows cover two authorities jointly (``314 / 318``)."""
NUMBER = r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?"


@dataclass(frozen=True)
class Alignment:
    """How an earlier release's names map to the latest release's (same measure, new names)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


ALIGNMENTS: dict[str, Alignment] = {
    # The 2019-2023 release of the children-looked-after tables used other column names and a
    # few other labels for the same breakdowns; the 2021-2025 release's names win.
    "cla_number_and_rate_per_10k_children": Alignment(
        columns={"population_count": "population_type", "number": "children_count"},
        values={
            "Children looked after at 31 March each year": (
                "Children looked after on 31 March each year"
            )
        },
    ),
    "la_cla_placement_stability": Alignment(
        columns={"number": "children_count", "percentage": "children_percent"},
        values={
            "Children looked after continuously for at least 2.5 years at 31 March aged under "
            "16 years": "Children looked after continuously for at least 2.5 years on 31 March "
            "aged under 16 years",
            "Living with the same carer for at least 2 years, or are placed for adoption and "
            "their adoptive placement together with their previous placement, last for at least "
            "2 years": "Living with the same carer for at least 2 years",
        },
    ),
    "la_care_leavers_activity": Alignment(
        columns={
            "age": "care_leaver_age",
            "activity": "breakdown",
            "number": "care_leaver_count",
            "percentage": "care_leaver_percent",
        },
        values={"Aged 17 to 18": "17 to 18 years", "Aged 19 to 21": "19 to 21 years"},
    ),
    "la_care_leavers_accommodation_suitability": Alignment(
        columns={
            "age": "care_leaver_age",
            "accommodation_suitability": "breakdown",
            "number": "care_leaver_count",
            "percentage": "care_leaver_percent",
        },
        values={"Accommodation considered not suitable": "Accommodation considered unsuitable"},
    ),
    "la_cla_during_year_new_placements": Alignment(
        columns={
            "cla_group": "characteristic",
            "characteristic": "breakdown",
            "number": "children_count",
            "percentage": "children_percent",
        },
    ),
}


@dataclass(frozen=True)
class EesTable:
    """One EES file in long form."""

    source: str
    release: int
    measures: tuple[str, ...]
    filters: tuple[str, ...]
    values: pa.Table
    """source, release, measure, breakdown, time_period, year, geographic_level, region_code,
    la_code, value, status."""
    areas: pa.Table
    """la_code, new_la_code, la_name, region_code, region_name of its local-authority rows."""


def header(path: Path) -> list[str]:
    """The file's header row (a byte-order mark removed)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        try:
            return [h.strip() for h in next(csv.reader(f))]
        except StopIteration:
            return []
        except (UnicodeDecodeError, csv.Error) as e:
            raise InputError(
                Location(Path(path).name, 1), "ees-header", f"is not a UTF-8 CSV file ({e})"
            ) from None


def is_ees(columns: list[str]) -> bool:
    return all(c in columns for c in REQUIRED)


def read_ees(path: Path, source: str | None = None) -> EesTable:
    """Read one EES CSV into long form, aligned to the latest release's names."""
    path = Path(path)
    name = path.name
    source = source or path.stem
    if path.stat().st_size > MAX_BYTES:
        raise InputError(Location(name), "file-size", f"is larger than {MAX_BYTES >> 20} MB")
    cols = header(path)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(
            Location(name, 1), "ees-header", f"has no {', '.join(missing)} column (not EES)"
        )
    if len(set(cols)) != len(cols):
        raise InputError(Location(name, 1), "ees-header", "repeats a column name")
    for c in cols:
        if not COLUMN_NAME.fullmatch(c):
            raise InputError(
                Location(name, 1, c), "ees-header", "is not a column name EES uses (a-z, 0-9, _)"
            )
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE raw AS SELECT row_number() OVER () + 1 AS _row, * FROM read_csv("
            "?, all_varchar = true, header = true, sample_size = -1, strict_mode = true, "
            "delim = ',', quote = '\"', escape = '\"')",
            [str(path)],
        ).fetchall()
        cols = [c for c in _columns(con) if c != "_row"]
        cols = _align(con, source, cols)
        _check_rows(con, name, cols)
        others = [c for c in cols if c not in GEOGRAPHY]
        filters, measures = _classify(con, name, others)
        if not measures:
            raise InputError(Location(name, 1), "ees-header", "has no measure columns")
        release = con.execute(
            "SELECT max(CAST(left(trim(time_period), 4) AS INTEGER) "
            "+ CASE WHEN length(trim(time_period)) = 6 THEN 1 ELSE 0 END) FROM raw"
        ).fetchall()[0][0]
        if release is None:
            raise InputError(Location(name, 2), "ees-rows", "has no rows of data")
        breakdown = (
            "json_object(" + ", ".join(f"'{f}', \"{f}\"" for f in sorted(filters)) + ")::VARCHAR"
            if filters
            else "'{}'"
        )
        region = '"region_code"' if "region_code" in cols else "NULL"
        la = '"old_la_code"' if "old_la_code" in cols else "NULL"
        keep = ", ".join(f'"{c}"' for c in ["time_period", "geographic_level", *filters])
        on = ", ".join(f'"{m}"' for m in measures)
        values = con.sql(
            f"""
            WITH base AS (
                SELECT {keep}, {region} AS region_code, {la} AS la_code, {on}
                FROM raw WHERE geographic_level IN ('National', 'Regional', 'Local authority')
            ),
            long AS (
                SELECT * FROM (UNPIVOT base ON {on} INTO NAME measure VALUE raw_value)
            )
            SELECT ? AS source, ?::INTEGER AS release, measure, {breakdown} AS breakdown,
                trim(time_period) AS time_period,
                CAST(left(trim(time_period), 4) AS INTEGER)
                    + CASE WHEN length(trim(time_period)) = 6 THEN 1 ELSE 0 END AS year,
                geographic_level,
                CASE WHEN geographic_level = 'National' THEN NULL
                     ELSE nullif(trim(region_code), '') END AS region_code,
                CASE WHEN geographic_level = 'Local authority'
                     THEN replace(trim(la_code), ' ', '') END AS la_code,
                CASE WHEN regexp_full_match(trim(raw_value), '{NUMBER}')
                     THEN CAST(trim(raw_value) AS DOUBLE) END AS value,
                CASE WHEN NOT regexp_full_match(trim(raw_value), '{NUMBER}')
                     THEN lower(trim(raw_value)) END AS status
            FROM long
            WHERE trim(raw_value) <> ''
            """,
            params=[source, release],
        ).to_arrow_table()
        area_cols = [c for c in ("new_la_code", "la_name", "region_name") if c in cols]
        areas = con.sql(
            f"""
            SELECT DISTINCT replace(trim(old_la_code), ' ', '') AS la_code,
                {", ".join(f'trim("{c}") AS {c}' for c in area_cols) or "NULL AS la_name"},
                {'trim("region_code")' if "region_code" in cols else "NULL"} AS region_code
            FROM raw WHERE geographic_level = 'Local authority'
            """
            if "old_la_code" in cols
            else "SELECT NULL AS la_code WHERE false"
        ).to_arrow_table()
    except duckdb.Error as e:
        # A file whose header reads but whose body does not (ragged rows, a bad year, ...).
        msg = str(e).splitlines()[0][:200]
        raise InputError(Location(name), "ees-csv", f"is not a readable EES CSV ({msg})") from None
    finally:
        con.close()
    return EesTable(source, int(release), tuple(measures), tuple(filters), values, areas)


def _columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("DESCRIBE raw").fetchall()]


def _align(con: duckdb.DuckDBPyConnection, source: str, cols: list[str]) -> list[str]:
    """Rename an earlier release's columns and labels to the latest release's."""
    al = ALIGNMENTS.get(source)
    if al is None:
        return cols
    # Only a file with every one of the earlier names is an earlier release.
    renames = al.columns if all(old in cols for old in al.columns) else {}
    if renames:
        # Through temporary names, so that a swap (a -> b, b -> a) works.
        for i, old in enumerate(renames):
            con.execute(f'ALTER TABLE raw RENAME COLUMN "{old}" TO "_align_{i}"').fetchall()
        for i, new in enumerate(renames.values()):
            con.execute(f'ALTER TABLE raw RENAME COLUMN "_align_{i}" TO "{new}"').fetchall()
    cols = _columns(con)
    for old, new in al.values.items():
        for c in cols:
            if c not in GEOGRAPHY and c != "_row":
                con.execute(f'UPDATE raw SET "{c}" = ? WHERE "{c}" = ?', [new, old]).fetchall()
    return [c for c in cols if c != "_row"]


def _check_rows(con: duckdb.DuckDBPyConnection, name: str, cols: list[str]) -> None:
    """Refuse rows whose period or authority code cannot be what EES says they are."""
    checks = [  # (column, which rows, the pattern its value matches, rule, what a bad one is)
        (
            "time_period",
            "TRUE",
            "[0-9]{4}([0-9]{2})?",
            "ees-time-period",
            "is not a year (YYYY) or a two-year period (YYYYYY)",
        )
    ]
    if "old_la_code" in cols:
        checks.append(
            (
                "old_la_code",
                "geographic_level = 'Local authority'",
                LA_CODE,
                "ees-la-code",
                "is not a 3-digit local authority code (or codes joined by /)",
            )
        )
    for col, rows, pattern, rule, says in checks:
        bad = con.execute(
            f"SELECT _row, {col} FROM raw WHERE {rows} AND NOT regexp_full_match("
            f"coalesce(trim({col}), ''), '{pattern}') ORDER BY _row LIMIT 1"
        ).fetchone()
        if bad:
            raise InputError(Location(name, bad[0], col), rule, f"{bad[1]!r} {says}")


def _classify(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[str]
) -> tuple[list[str], list[str]]:
    """Split the non-geography columns into filters (text) and measures (numbers or markers).

    A column is a measure when every cell is a number or a known suppression marker. A column
    that is nearly all numbers but holds an unknown word is refused rather than guessed at.
    """
    filters: list[str] = []
    measures: list[str] = []
    markers = ", ".join(f"'{m}'" for m in sorted(SUPPRESSION_MARKERS))

    def other(c: str) -> str:
        return (
            f"trim(\"{c}\") <> '' AND NOT regexp_full_match(trim(\"{c}\"), '{NUMBER}') "
            f'AND lower(trim("{c}")) NOT IN ({markers})'
        )

    if not columns:
        return filters, measures
    counts = con.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE regexp_full_match(trim(\"{c}\"), '{NUMBER}')), "
            f"count(*) FILTER (WHERE {other(c)})"
            for c in columns
        )
        + " FROM raw"
    ).fetchall()[0]
    for i, c in enumerate(columns):
        numeric, others = counts[2 * i], counts[2 * i + 1]
        if others == 0:
            measures.append(c)
        elif numeric and numeric >= 9 * others:
            row, value = con.execute(
                f'SELECT _row, trim("{c}") FROM raw WHERE {other(c)} ORDER BY _row LIMIT 1'
            ).fetchall()[0]
            raise InputError(
                Location(name, row, c),
                "ees-suppression-marker",
                f"{value!r} is neither a number nor a known suppression marker "
                f"({', '.join(sorted(SUPPRESSION_MARKERS))})",
            )
        else:
            filters.append(c)
    return filters, measures
