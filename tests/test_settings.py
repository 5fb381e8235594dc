"""One settings object: every SELFEVAL_* variable is read in selfeval.settings, typed, and
documented in docs/settings.md (generated, compared here)."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

from selfeval.settings import DEFAULT_URL, SETTINGS, Settings, current, settings_markdown

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "selfeval"

READERS_OF_THE_ENVIRONMENT = {"settings.py"}


def test_every_setting_is_a_typed_field():
    assert {f.name for f in fields(Settings)} == set(SETTINGS)


def test_the_settings_page_is_generated_from_the_settings():
    assert (ROOT / "docs" / "settings.md").read_text() == settings_markdown()


def test_values_are_typed_and_blank_is_unset(tmp_path):
    s = Settings.from_environ(
        {
            "SELFEVAL_MAX_FILE_BYTES": "1048576",
            "SELFEVAL_MAX_UPLOAD_MB": "2.5",
            "SELFEVAL_DATA_DIR": str(tmp_path),
            "SELFEVAL_DB": "  ",
            "SELFEVAL_SPARK_PARTITIONS": "4",
        }
    )
    assert s.max_file_bytes == 1_048_576
    assert s.max_upload_bytes == 2_621_440  # 2.5 x 1,048,576
    assert s.data_dir == tmp_path
    assert s.db == DEFAULT_URL
    assert s.spark_partitions == 4
    assert s.council is None and s.secret_key is None


def test_a_changed_variable_is_seen(monkeypatch, tmp_path):
    monkeypatch.setenv("SELFEVAL_DATA_DIR", str(tmp_path))
    assert current().data_dir == tmp_path
    monkeypatch.delenv("SELFEVAL_DATA_DIR")
    assert current().data_dir is None


def test_no_other_module_reads_the_environment():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in READERS_OF_THE_ENVIRONMENT:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                f = node.func
                reads = (f.attr == "get" and ast.unparse(f.value) == "os.environ") or (
                    f.attr == "getenv" and ast.unparse(f.value) == "os"
                )
                if reads:
                    found.append(f"{rel}:{node.lineno}")
            if (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "os.environ"
                and isinstance(node.ctx, ast.Load)
            ):
                found.append(f"{rel}:{node.lineno}")
    assert found == []


def test_the_webs_settings_are_typed_too():
    s = Settings.from_environ(
        {
            "SELFEVAL_ALLOWED_HOSTS": "selfeval.council.example, ,localhost",
            "SELFEVAL_HTTPS": "yes",
            "SELFEVAL_SIGNIN_MAX_DELAY_MINUTES": "0.5",
        }
    )
    assert s.allowed_hosts == ("selfeval.council.example", "localhost")
    assert s.https is True
    assert s.signin_max_delay_minutes == 0.5
    assert s.csrf_trusted_origins == () and s.oidc_client_id is None
    default = Settings.from_environ({})
    assert default.allowed_hosts == ("127.0.0.1", "localhost", "[::1]") and not default.https


def test_settings_are_parsed_once_per_state_of_the_environment(monkeypatch):
    monkeypatch.setenv("SELFEVAL_SPARK_BATCH", "7")
    first = current()
    assert current() is first and first.spark_batch == 7
    monkeypatch.setenv("SELFEVAL_SPARK_BATCH", "8")
    assert current() is not first and current().spark_batch == 8


@pytest.mark.parametrize("value", [None, "", "  ", "2048", " 4096 ", "1e6", "-5", "lots"])
def test_the_readers_size_limit_reads_as_the_settings_read_it(monkeypatch, value):
    """The readers read SELFEVAL_MAX_FILE_BYTES alone (once a file); it must be the figure the
    settings give: 2048 and 4096 (blanks trimmed) are limits, the rest none (the default)."""
    from selfeval.returns.limits import max_file_bytes as limit
    from selfeval.settings import max_file_bytes

    if value is None:
        monkeypatch.delenv("SELFEVAL_MAX_FILE_BYTES", raising=False)
    else:
        monkeypatch.setenv("SELFEVAL_MAX_FILE_BYTES", value)
    want = {"2048": 2048, " 4096 ": 4096}.get(value or "")
    assert max_file_bytes() == current().max_file_bytes == want
    assert limit() == (want or 512 * 1024 * 1024)
