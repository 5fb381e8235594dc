"""``selfeval benchmarks fetch`` against a local HTTP server serving the shared files."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time

import pytest
from click.testing import CliRunner

from conftest import SHARED
from selfeval.benchmarks.fetch import Entry, fetch_all, load_manifest
from selfeval.cli import cli
from selfeval.errors import SelfevalError, UsageError

EES = SHARED / "data" / "ees"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        if self.path.startswith("/slow/"):
            time.sleep(1.5)
        return super().do_GET()


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that timed out hung up
        pass


@pytest.fixture
def server():
    handler = functools.partial(_Handler, directory=str(EES))
    httpd = _Server(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_every_file_of_the_manifest_from_a_base_url(server, tmp_path):
    r = CliRunner().invoke(
        cli, ["benchmarks", "fetch", "--out", str(tmp_path / "got"), "--base-url", server]
    )
    assert r.exit_code == 0, r.output
    names = [e.file for e in load_manifest()]
    assert len(names) == 15
    for name in names:
        assert (tmp_path / "got" / name).read_bytes() == (EES / name).read_bytes()
    assert not list((tmp_path / "got").glob(".*part"))


def test_an_http_error_is_one_clear_sentence_and_keeps_the_old_file(server, tmp_path):
    out = tmp_path / "got"
    out.mkdir()
    (out / "missing.csv").write_text("the old copy\n")
    entries = [Entry("missing.csv", f"{server}/missing.csv")]
    with pytest.raises(SelfevalError, match=r"could not download missing.csv .*HTTP 404"):
        fetch_all(entries, out)
    assert (out / "missing.csv").read_text() == "the old copy\n"
    assert list(out.iterdir()) == [out / "missing.csv"]


def test_a_timeout_is_reported(server, tmp_path):
    name = "la_cla_swcount.csv"
    with pytest.raises(SelfevalError, match=r"no answer within 0.2 s|timed out"):
        fetch_all([Entry(name, f"{server}/slow/../{name}")], tmp_path, timeout=0.2)
    assert not (tmp_path / name).exists()


def test_without_an_address_fetch_says_where_the_files_are(tmp_path):
    with pytest.raises(UsageError, match="explore-education-statistics"):
        fetch_all(load_manifest(), tmp_path)


def test_a_manifest_of_own_urls(server, tmp_path):
    m = tmp_path / "m.json"
    entry = {"file": "swcount.csv", "url": f"{server}/la_cla_swcount.csv"}
    m.write_text(json.dumps({"files": [entry]}))
    (path,) = fetch_all(load_manifest(m), tmp_path / "o")
    assert path == tmp_path / "o" / "swcount.csv"
    assert path.read_bytes() == (EES / "la_cla_swcount.csv").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text('{"files": [{"file": "../escape.csv", "url": "http://x/"}]}')
    with pytest.raises(UsageError, match="not a plain file name"):
        load_manifest(bad)
