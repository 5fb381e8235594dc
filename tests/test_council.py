"""The council's details for the scrutiny report, read from TOML with clear errors."""

from __future__ import annotations

from datetime import date

import pytest

from selfeval.errors import InputError
from selfeval.evaluation import load_council
from selfeval.evaluation.publish import example_council_path


def test_the_example_reads_whole():
    """The example gives no meeting date, no prior consideration and no clearance codes: they
    are for the council to give, and stand as placeholders until it does."""
    cfg = load_council(example_council_path())
    assert cfg.la_code == "999"
    assert cfg.meeting_date is None
    assert cfg.considered_by == ()
    assert cfg.accountable_employees[0].title == "Principal Social Worker"
    assert cfg.implication_refs == {} and "financial" not in cfg.implications


def test_dates_and_sign_offs_come_from_the_configuration(tmp_path):
    text = example_council_path().read_text()
    text = text.replace("# meeting_date = 2020-07-15", "meeting_date = 2020-07-15")
    text = text.replace(
        "[implications]\n", '[implications]\nlegal = "None."\nlegal_ref = "[XY/1/V]"\n'
    )
    p = tmp_path / "council.toml"
    p.write_text(text)
    cfg = load_council(p)
    assert cfg.meeting_date == date(2020, 7, 15)
    assert cfg.implication_refs == {"legal": "[XY/1/V]"}


def test_a_missing_field_is_named(tmp_path):
    text = example_council_path().read_text().replace('wards = "All"\n', "")
    p = tmp_path / "council.toml"
    p.write_text(text)
    with pytest.raises(InputError, match=r"council.toml, field report.wards: is missing"):
        load_council(p)


def test_a_misspelt_implication_is_refused(tmp_path):
    text = (
        example_council_path()
        .read_text()
        .replace("[implications]\n", '[implications]\nlegl_ref = "[XY/1/V]"\n')
    )
    p = tmp_path / "council.toml"
    p.write_text(text)
    with pytest.raises(InputError, match=r"field implications.legl_ref: is not an implications"):
        load_council(p)


def test_not_toml_is_refused(tmp_path):
    p = tmp_path / "council.toml"
    p.write_text("[council\nname = 1")
    with pytest.raises(InputError, match="is not valid TOML"):
        load_council(p)
