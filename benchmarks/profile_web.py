"""CPU time of one warm request to the dashboard and to a children page, in this process.

The machine the benchmarks run on is shared, so wall-clock latency under load says as much
about the neighbours as about selfeval; the CPU a request costs does not. This builds the same
store as ``bench_web.py``, signs an analyst in through the sign-in form and then calls the WSGI
application (every middleware, the session, the audit write) directly, ``N`` times per page,
timing each call with ``time.process_time``. ``--profile`` prints cProfile's top functions.

    PYTHONPATH=src python benchmarks/profile_web.py [-n 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

PASSWORD = "a long test password 4 selfeval"


def environ(path: str, cookies: dict[str, str], method: str = "GET", body: bytes = b"") -> dict:
    """A WSGI environ as gunicorn would hand it over for a request from loopback."""
    parts = urlsplit(path)
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_REFERER": "http://127.0.0.1:8000/sign-in/",
        "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app, env: dict, cookies: dict[str, str]) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    """One request; the status line and body; cookies set by the answer kept."""
    got: dict = {}

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        got["status"] = status
        for k, v in headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]

    body = b"".join(app(env, start_response))
    return got["status"], body


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200, help="requests per page")
    ap.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    ap.add_argument("--page", action="append", help="a page to time (default: the benchmark's)")
    ap.add_argument("--shared-cache", action="store_true", help="SELFEVAL_CACHE_DIR, as deployed")
    args = ap.parse_args()
    from bench_web import CHILDREN_PAGE, prepare

    with tempfile.TemporaryDirectory(prefix="profile-web-") as tmp:
        work = Path(tmp)
        url = prepare(work)
        os.environ["SELFEVAL_DB"] = url
        os.environ["SELFEVAL_SECRET_KEY"] = "x" * 50
        os.environ["DJANGO_SETTINGS_MODULE"] = "selfeval.web.settings"
        if args.shared_cache:
            os.environ["SELFEVAL_CACHE_DIR"] = str(work / "cache")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from selfeval.web.models import User

        u = User(username="user00", role="analyst", all_authorities=True)
        u.set_password(PASSWORD)
        u.save()
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        cookies: dict[str, str] = {}
        status, page = call(app, environ("/sign-in/", cookies), cookies)
        assert status.startswith("200"), (status, page[:2000])
        body = (
            f"username=user00&password={PASSWORD.replace(' ', '+')}"
            f"&csrfmiddlewaretoken={cookies['selfeval_csrftoken']}"
        ).encode()
        status, _ = call(app, environ("/sign-in/", cookies, "POST", body), cookies)
        assert status.startswith("302"), status
        pages = args.page or ["/", CHILDREN_PAGE]
        for p in pages:  # cold: figures computed and cached
            t = time.perf_counter()
            status, _ = call(app, environ(p, cookies), cookies)
            assert status.startswith("200"), (p, status)
            print(f"{p}: cold {1000 * (time.perf_counter() - t):.0f} ms")
        prof = cProfile.Profile(time.process_time) if args.profile else None
        for p in pages:
            cpu = []
            for _ in range(args.n):
                env = environ(p, cookies)
                t = time.process_time()
                if prof:
                    prof.enable()
                status, _ = call(app, env, cookies)
                if prof:
                    prof.disable()
                cpu.append(1000 * (time.process_time() - t))
                assert status.startswith("200"), (p, status)
            print(
                f"{p}: CPU per warm request: median {statistics.median(cpu):.1f} ms, "
                f"mean {statistics.mean(cpu):.1f} ms, p95 "
                f"{statistics.quantiles(cpu, n=20)[18]:.1f} ms ({args.n} requests)"
            )
        if prof:
            prof.dump_stats("/tmp/profile-web.pstats")
            st = pstats.Stats(prof).sort_stats("cumulative")
            st.print_stats(45)
            st.sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
