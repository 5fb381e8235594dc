"""Pseudonymised ingest: identifiers replaced by keyed hashes, children matching across years."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import run_cli, store_snapshot, write_903_table
from selfeval.errors import UsageError
from selfeval.ingest import ingest
from selfeval.pseudonymise import Pseudonymiser

KEY = b"k" * 40
LA = "999"


def key_file(tmp_path: Path, content: bytes = KEY, mode: int = 0o600) -> Path:
    p = tmp_path / "key"
    p.write_bytes(content)
    p.chmod(mode)
    return p


def year_files(d: Path, year: int) -> Path:
    d.mkdir()
    write_903_table(
        d / "header.csv",
        "ssda903_header",
        [{"CHILD": "CH0001", "SEX": "1", "DOB": "01/01/2010", "UPN": "A123456789012"}],
    )
    write_903_table(
        d / "episodes.csv",
        "ssda903_episodes",
        [{"CHILD": "CH0001", "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"}],
    )
    return d


def test_the_pseudonym_is_hmac_sha256_truncated_to_16_hex_digits():
    """Worked by hand: HMAC-SHA256(key, 'CH0001'), first 16 hex digits; ' ch0001 ' is trimmed
    and upper-cased first, as DfE's validators read identifiers."""
    p = Pseudonymiser(KEY)
    expected = hmac.new(KEY, b"CH0001", hashlib.sha256).hexdigest()[:16]
    assert p.pseudonym("CH0001") == expected
    assert p.pseudonym(" ch0001 ") == expected
    t = p.table(
        "cin_child_identifiers", pa.table({"LAchildID": ["CH0001", None], "Sex": ["1", "2"]})
    )
    assert t.column("LAchildID").to_pylist() == [expected, None]
    assert t.column("Sex").to_pylist() == ["1", "2"]


def test_the_same_child_matches_across_years_and_no_identifier_is_stored(store, tmp_path):
    kf = key_file(tmp_path)
    p = Pseudonymiser.from_key_file(kf)
    for y in (2019, 2020):
        ingest(
            store,
            [year_files(tmp_path / str(y), y)],
            return_year=y,
            la_code=LA,
            pseudonymiser=p,
            validate=False,
        )
    children = set(store.table("ssda903_episodes").column("CHILD").to_pylist())
    assert children == {p.pseudonym("CH0001")}
    assert store.table("ssda903_header").column("UPN").to_pylist() == [p.pseudonym("A123456789012")]
    rec = store.loads()[0]
    assert rec.pseudonymised and rec.pseudonym_key_id == p.key_id
    # Neither the identifiers nor the key are anywhere in the store.
    stored = b"".join(f.read_bytes() for f in store.data_dir.rglob("*") if f.is_file())
    stored += Path(store.url.database).read_bytes()
    for secret in (b"CH0001", b"A123456789012", KEY):
        assert secret not in stored


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        (b"short", 0o600, "must be at least 32"),
        (KEY, 0o644, "may be read or written by everyone"),
    ],
)
def test_a_weak_or_exposed_key_file_is_refused(store, tmp_path, capsys, content, mode, message):
    kf = key_file(tmp_path, content, mode)
    with pytest.raises(UsageError, match=message):
        Pseudonymiser.from_key_file(kf)
    before = store_snapshot(store)
    d = year_files(tmp_path / "2019", 2019)
    code, _, err = run_cli(
        capsys, "--db", str(store.url), "ingest", str(d), "--year", "2019", "--la", LA,
        "--pseudonymise", "--key-file", str(kf),
    )  # fmt: skip
    assert code == 2 and message in err
    assert store_snapshot(store) == before


def test_loads_of_one_authority_cannot_mix_keys(store, tmp_path):
    """Children would not match across returns, so a second key (or none) is refused."""
    ingest(
        store,
        [year_files(tmp_path / "2019", 2019)],
        return_year=2019,
        la_code=LA,
        pseudonymiser=Pseudonymiser(KEY),
        validate=False,
    )
    before = store_snapshot(store)
    d = year_files(tmp_path / "2020", 2020)
    with pytest.raises(UsageError, match="different pseudonymisation keys"):
        ingest(
            store,
            [d],
            return_year=2020,
            la_code=LA,
            pseudonymiser=Pseudonymiser(b"x" * 40),
            validate=False,
        )
    with pytest.raises(UsageError, match="pseudonymised and identifiable"):
        ingest(store, [d], return_year=2020, la_code=LA, validate=False)
    assert store_snapshot(store) == before


def test_a_key_file_is_read_whole_but_for_its_line_break(tmp_path):
    """A binary key that begins and ends with whitespace bytes keeps all 32 of them (stripping
    them made a random key short now and then); a hex key's line break is not part of it."""
    raw = b" \t" + bytes(range(65, 93)) + b"\t "
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    binary = Pseudonymiser.from_key_file(key_file(tmp_path / "a", raw))
    assert binary.key_id == Pseudonymiser(raw).key_id
    text = Pseudonymiser.from_key_file(key_file(tmp_path / "b", raw.hex().encode() + b"\n"))
    assert text.key_id == Pseudonymiser(raw.hex().encode()).key_id
