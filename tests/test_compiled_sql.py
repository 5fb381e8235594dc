"""Indicators' SQL compiled once is kept on disk for the next process, and only for the code
that compiled it (selfeval.indicators.compiled)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders import declare, episode, sources, value
from selfeval.indicators import compiled, engine, registry
from selfeval.indicators.expr import count_rows, looked_after_at
from selfeval.indicators.sources import Sources


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and no SQL compiled in this process yet."""
    monkeypatch.setenv("SELFEVAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(engine, "_SQL", {})
    return tmp_path / "cache" / "indicator-sql" / compiled.code_digest()


def _three_in_care() -> Sources:
    """A, B and C looked after since 2019; C left on 1 March 2020: 2 at 31 March 2020."""
    return sources(
        ssda903_episodes=[
            episode("A", "2019-05-01"),
            episode("B", "2019-06-01"),
            episode("C", "2019-07-01", DEC="2020-03-01"),
        ]
    )


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Sources, expr: object) -> str:
        raise AssertionError("compiled again")

    monkeypatch.setattr(engine, "_SQL", {})  # as a new process starts
    monkeypatch.setattr(Sources, "compile", refuse)


def test_a_new_process_runs_the_sql_compiled_before_without_compiling(cache, monkeypatch):
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2
    assert len(list(cache.glob("*.sql"))) == 1
    _no_compiling(monkeypatch)
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2


def test_sql_compiled_by_other_code_is_not_read(cache, monkeypatch):
    """Another digest (any change to selfeval's sources or the compiling libraries) is another
    folder: the SQL is compiled again."""
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2
    monkeypatch.setattr(compiled, "code_digest", lambda: "other-code")
    _no_compiling(monkeypatch)
    with pytest.raises(AssertionError, match="compiled again"):
        value(_three_in_care(), "cla_count", "2020-03-31")


def test_an_indicator_declared_outside_selfeval_is_never_kept(cache):
    """A test's own indicator: its code is not in the digest, so its SQL is not kept."""
    iid = "test_kept_sql_outside_selfeval"
    declare(iid, "Children looked after (a test's)")(lambda s, p: count_rows(looked_after_at(s, p)))
    try:
        assert value(_three_in_care(), iid, "2020-03-31") == 2
    finally:
        registry._REGISTRY.pop(iid, None)
    assert not cache.exists() or list(cache.glob("*.sql")) == []


def test_an_unwritable_or_damaged_cache_is_passed_over(tmp_path, monkeypatch):
    """A cache path that is a file (nothing can be written under it) leaves the figures as
    they are; so does a kept file that cannot be read as text."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("SELFEVAL_CACHE", str(blocker))
    monkeypatch.setattr(engine, "_SQL", {})
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2

    monkeypatch.setenv("SELFEVAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(engine, "_SQL", {})
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2
    [kept] = (tmp_path / "cache" / "indicator-sql").glob("*/*.sql")
    kept.write_bytes(b"\xff\xfe not text")
    monkeypatch.setattr(engine, "_SQL", {})
    assert value(_three_in_care(), "cla_count", "2020-03-31") == 2
    assert kept.read_text(encoding="utf-8").lstrip().upper().startswith(("SELECT", "WITH"))


def test_a_list_of_children_is_kept_too(cache, monkeypatch):
    """The children behind cla_count at 31/03/2020 (A and B) come from SQL kept on disk like the
    figure's: a new process lists them without compiling (the web's list of children compiled
    its SQL on every request)."""
    from selfeval.indicators.children import children

    def listed() -> list[str]:
        return [
            r["child_id"] for r in children(_three_in_care(), "cla_count", date(2020, 3, 31)).rows
        ]

    assert listed() == ["A", "B"]
    assert len(list(cache.glob("*.sql"))) == 2  # the figure's and the list's
    _no_compiling(monkeypatch)
    assert listed() == ["A", "B"]
