"""Web latency: 20 concurrent signed-in users over loopback against the dashboard and a
children page, served by the production recipe.

A synthetic authority's 903 and CIN returns are loaded into a SQLite store; gunicorn serves
`selfeval.web.wsgi` on 127.0.0.1 with several worker processes (SELFEVAL_BENCH_WEB_WORKERS,
default 2 x cores + 1, of 4 threads each) sharing a cache folder, as docs/web.md deploys it;
each user (an analyst)
signs in through the form, then asks for the dashboard and the list of children looked after
in turn, twice over: with no pause between requests (20 requests always in flight) and with
one second between a user's requests (people reading). Bounded: 20 users x 25 requests per
run, 180 s at most each. Goals: p95 < 300 ms and max < 2 s, no errors, and every view of the
children page written to the audit log. Each worker's first (cold) requests, which compute
the figures it then caches, are made and timed apart.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from figures import figure

from selfeval.ingest import ingest
from selfeval.store import Store
from selfeval.synth import AuthorityConfig, synthesise
from selfeval.web.testing import LiveServer, sign_in

USERS = 20
ACCOUNTS = 4
"""Accounts the users sign in as (five sessions each): making an account costs a process and
an Argon2 hash, which on a busy machine took the benchmark most of its time."""
REQUESTS_EACH = 25
TIME_LIMIT_S = 180.0
THINK_S = (0.0, 1.0)
"""Pause between one user's requests: none (a stress test), then a reader's second."""
GOAL_P95_MS = 300.0
GOAL_MAX_MS = 2000.0
WORKERS = int(os.environ.get("SELFEVAL_BENCH_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1))
THREADS = 4
CHILDREN_PAGE = "/indicators/cla_count/children/"


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
    return ["/", CHILDREN_PAGE]


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process and its children (gunicorn's workers) have
    used, from /proc: what a request costs the server, whatever else the machine runs."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0  # ended
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += [int(k) for k in (task / "children").read_text().split()]
    return own(pid) + sum(own(k) for k in kids)


def child_views(db: str) -> int:
    """How many views of a children list the audit log holds."""
    with sqlite3.connect(db.removeprefix("sqlite:///")) as con:
        q = "select count(*) from web_audit_event where action = 'view child-level'"
        return con.execute(q).fetchone()[0]


def warm(srv: LiveServer, paths: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Each page asked once (cold: its figures computed into the shared cache), then by enough
    users at once that every worker has served it before the timed runs; the cold times and
    the slowest of the workers' first requests, per page."""
    sess = [requests.Session() for _ in range(WORKERS * THREADS)]
    for s in sess:
        sign_in(s, srv.url, "user00", srv.password)

    def get(s: requests.Session, p: str) -> float:
        t = time.perf_counter()
        s.get(srv.url + p, timeout=600).raise_for_status()
        return (time.perf_counter() - t) * 1000

    cold = {p: get(sess[0], p) for p in paths}
    first = {}
    with ThreadPoolExecutor(len(sess)) as pool:
        for p in paths:
            first[p] = max(pool.map(lambda s, p=p: get(s, p), sess))
    return cold, first


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        url = prepare(work)
        print(f"web: store prepared in {time.perf_counter() - t0:.1f} s")
        users = {f"user{i:02d}": "analyst" for i in range(ACCOUNTS)}
        cache = work / "cache"  # the figures every worker shares (docs/web.md)
        with LiveServer(
            db=url,
            workdir=work,
            users=users,
            threads=THREADS,
            workers=WORKERS,
            extra_env={"SELFEVAL_CACHE_DIR": str(cache)},
            start_timeout=600,
        ) as srv:
            print(f"web: gunicorn, {WORKERS} workers x {THREADS} threads, SQLite store")
            paths = pages()
            cold, first = warm(srv, paths)
            print(
                "web: cold first requests (figures computed and cached): "
                + ", ".join(f"{p} {ms:.0f} ms" for p, ms in cold.items())
                + "; each worker's first: "
                + ", ".join(f"{p} {ms:.0f} ms" for p, ms in first.items())
            )
            results = []
            for think in THINK_S:
                before = child_views(url)
                latencies, errors, wall, asked, cpu = run(srv, paths, think)
                logged = child_views(url) - before
                results.append((think, latencies, errors, wall, asked, logged, cpu))
        ok = True
        for think, latencies, errors, wall, asked, logged, cpu in results:
            ok &= report(think, latencies, errors, wall, asked, logged, cpu)
        return 0 if ok else 1


def run(
    srv: LiveServer, paths: list[str], think: float
) -> tuple[list[float], list[str], float, int, tuple[float, float]]:
    """Every user signs in (one after another, untimed: a password hash is slow by design),
    then all make their requests at once; the timings, the errors, the seconds, how many
    children pages were answered, and the CPU seconds the server and the users (this
    process) spent on the requests."""
    latencies: list[float] = []
    by_page: dict[str, list[float]] = {p: [] for p in paths}
    errors: list[str] = []
    asked = [0]
    lock = threading.Lock()
    sessions = []
    for i in range(USERS):
        sess = requests.Session()
        try:
            sign_in(sess, srv.url, f"user{i % ACCOUNTS:02d}", srv.password)
            sessions.append(sess)
        except Exception as e:  # counted, not raised: the benchmark reports errors
            errors.append(f"user {i} sign-in: {e}")
    deadline = time.monotonic() + TIME_LIMIT_S

    def user(sess: requests.Session) -> None:
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
                by_page[p].append(ms)
                if not ok:
                    errors.append(f"{p}: {getattr(r, 'status_code', r)}")
                elif p == CHILDREN_PAGE:
                    asked[0] += 1
            time.sleep(think)

    threads = [threading.Thread(target=user, args=(s,)) for s in sessions]
    assert srv.proc is not None
    server, client = cpu_seconds(srv.proc.pid), time.process_time()
    t_run = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t_run
    cpu = (cpu_seconds(srv.proc.pid) - server, time.process_time() - client)
    print(
        f"web: {think:.0f} s between requests, p95 by page: "
        + ", ".join(
            f"{p} {statistics.quantiles(v, n=20)[18]:.0f} ms"
            for p, v in by_page.items()
            if len(v) > 1
        )
    )
    return latencies, errors, wall, asked[0], cpu


def report(
    think: float,
    latencies: list[float],
    errors: list[str],
    wall: float,
    asked: int,
    logged: int,
    cpu: tuple[float, float],
) -> bool:
    """Print the run's figures; False when a request failed or a view went unlogged. ``cpu``:
    the server's and this process's (the users') CPU seconds over the timed requests."""
    if not latencies:
        print("web: no requests completed")
        return False
    q = statistics.quantiles(latencies, n=100)
    p50, p95, top = statistics.median(latencies), q[94], max(latencies)
    print(
        f"web: {USERS} users, {think:.0f} s between requests: {len(latencies)} requests in "
        f"{wall:.1f} s ({len(latencies) / wall:.0f} req/s): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"max {top:.0f} ms, errors {len(errors)}; children pages {asked}, logged {logged}; "
        f"CPU per request: server {1000 * cpu[0] / len(latencies):.1f} ms, users "
        f"{1000 * cpu[1] / len(latencies):.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    when = f"{USERS} users, {think:g} s pauses"
    figure("web", f"p95, {when}", p95, "ms", f"< {GOAL_P95_MS:.0f}", p95 < GOAL_P95_MS)
    figure("web", f"max, {when}", top, "ms", f"< {GOAL_MAX_MS:.0f}", top < GOAL_MAX_MS)
    figure("web", f"errors, {when}", len(errors), "", "0", not errors)
    figure("web", f"server CPU per request, {when}", 1000 * cpu[0] / len(latencies), "ms")
    figure("web", f"children views logged, {when}", logged, "", f"= {asked}", logged == asked)
    for e in errors[:5]:
        print(f"web: error {e}")
    return not errors and logged == asked  # a slow run is a figure, not a failure


if __name__ == "__main__":
    sys.exit(main())
