"""The suite's own schedule (tests/conftest.py): the slow files it names exist."""

from __future__ import annotations

from pathlib import Path

from conftest import SLOWEST_FIRST


def test_every_file_named_slowest_first_is_a_test_file_named_once():
    """A name that no file has (renamed, deleted, mistyped) would be ignored without a word,
    and its file would run in collection order, perhaps last."""
    here = Path(__file__).parent
    assert [n for n in SLOWEST_FIRST if not (here / n).is_file()] == []
    assert len(set(SLOWEST_FIRST)) == len(SLOWEST_FIRST)
