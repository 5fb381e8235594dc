"""Web latency: 20 concurrent signed-in users over loopback against the dashboard and indicators.

A synthetic authority's 903 and CIN returns are loaded into a SQLite store; `selfeval serve`
runs in its own process on 127.0.0.1; each user signs in through the form, then asks for the
dashboard and indicator pages in turn, twice over: with no pause between requests (20 requests
always in flight: a stress test of one process) and with one second between a user's requests
(people reading). Bounded: 20 users x 25 requests per run, 180 s at most each.
Goal: p95 < 300 ms, no errors. The first (cold) request of each page is timed apart.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from figures import figure

from selfeval.indicators import catalogue
from selfeval.ingest import ingest
from selfeval.store import Store
from selfeval.synth import AuthorityConfig, synthesise
from selfeval.web.testing import LiveServer, sign_in

USERS = 20
REQUESTS_EACH = 25
TIME_LIMIT_S = 180.0
THINK_S = (0.0, 1.0)
"""Pause between one user's requests: none (a stress test), then a reader's second."""
GOAL_P95_MS = 300.0


def prepare(work: Path) -> str:
    """A store with a synthetic authority's 903 and CIN returns for three years."""
    cfg = AuthorityConfig(la_code="999", children=1500, years=range(2019, 2022), seed=7)
    _, paths = synthesise(work / "returns", cfg, returns=("903", "cin"))
    url = f"sqlite:///{work / 'selfeval.db'}"
    store = Store(url)
    for folder in sorted({p.parent for p in paths}):
        # returns/<kind>/<year>/...: the CSV tables do not say their year, the folder does
        files = sorted(p for p in paths if p.parent == folder)
        ingest(store, files, return_year=int(folder.name), la_code="999", validate=False)
    store.engine.dispose()
    return url


def pages() -> list[str]:
    ids = [i for i in catalogue() if not i.startswith("_")][:6]
    return ["/"] + [f"/indicators/{i}/" for i in ids]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        url = prepare(work)
        print(f"web: store prepared in {time.perf_counter() - t0:.1f} s")
        users = {f"user{i:02d}": "analyst" for i in range(USERS)}
        with LiveServer(db=url, workdir=work, users=users, threads=USERS) as srv:
            paths = pages()
            cold = {}
            s = requests.Session()
            sign_in(s, srv.url, "user00", srv.password)
            for p in paths:
                t = time.perf_counter()
                s.get(srv.url + p, timeout=120).raise_for_status()
                cold[p] = (time.perf_counter() - t) * 1000
            print(
                f"web: cold first requests {min(cold.values()):.0f}-{max(cold.values()):.0f} ms "
                f"({len(paths)} pages, figures computed then cached)"
            )
            results = [(think, run(srv, paths, think)) for think in THINK_S]
        ok = True
        for think, (latencies, errors, wall) in results:
            ok &= report(think, latencies, errors, wall)
        return 0 if ok else 1


def run(srv: LiveServer, paths: list[str], think: float) -> tuple[list[float], list[str], float]:
    """Every user signs in, waits for the others, then makes its requests; the timings."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT_S
    start = threading.Barrier(USERS)

    def user(name: str) -> None:
        sess = requests.Session()
        try:
            sign_in(sess, srv.url, name, srv.password)
        except Exception as e:  # counted, not raised: the benchmark reports errors
            with lock:
                errors.append(f"{name} sign-in: {e}")
            start.wait()
            return
        start.wait()
        for i in range(REQUESTS_EACH):
            if time.monotonic() > deadline:
                return
            p = paths[i % len(paths)]
            t = time.perf_counter()
            try:
                r = sess.get(srv.url + p, timeout=30, allow_redirects=False)
                ok = r.status_code == 200
            except requests.RequestException as e:
                ok, r = False, e
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                if not ok:
                    errors.append(f"{p}: {getattr(r, 'status_code', r)}")
            time.sleep(think)

    threads = [threading.Thread(target=user, args=(f"user{i:02d}",)) for i in range(USERS)]
    t_run = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors, time.perf_counter() - t_run


def report(think: float, latencies: list[float], errors: list[str], wall: float) -> bool:
    if not latencies:
        print("web: no requests completed")
        return False
    q = statistics.quantiles(latencies, n=100)
    p50, p95 = statistics.median(latencies), q[94]
    print(
        f"web: {USERS} users, {think:.0f} s between requests: {len(latencies)} requests in "
        f"{wall:.1f} s ({len(latencies) / wall:.0f} req/s): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(latencies):.0f} ms, errors {len(errors)}"
    )
    verdict = "met" if p95 < GOAL_P95_MS and not errors else "NOT met"
    print(f"web: goal p95 < {GOAL_P95_MS:.0f} ms with no errors ({think:.0f} s pauses): {verdict}")
    met = p95 < GOAL_P95_MS and not errors
    figure("web", f"p95, {USERS} users, {think:g} s pauses", p95, "ms", f"< {GOAL_P95_MS:.0f}", met)
    figure("web", f"errors, {USERS} users, {think:g} s pauses", len(errors), "", "0", not errors)
    for e in errors[:5]:
        print(f"web: error {e}")
    return not errors


if __name__ == "__main__":
    sys.exit(main())
