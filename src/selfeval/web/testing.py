"""A real ``selfeval serve`` in a child process on a free loopback port, for tests and benchmarks.

It migrates, creates accounts and serves exactly as a person would run it; the caller stops it
(or leaves the ``with`` block). Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def selfeval(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    """Run one ``selfeval`` command; its standard output (raises when it fails)."""
    res = subprocess.run(
        [sys.executable, "-m", "selfeval", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(f"selfeval {' '.join(args)} failed: {res.stderr.strip()}")
    return res.stdout


@dataclass
class LiveServer:
    """``selfeval serve`` against the store ``db``; ``users`` maps username to role, and
    ``authorities`` username to the authorities it may see (default: every one)."""

    db: str
    workdir: Path
    users: dict[str, str] = field(default_factory=dict)
    authorities: dict[str, list[str]] = field(default_factory=dict)
    password: str = "a long test password 4 selfeval"  # noqa: S105  (test accounts only)
    extra_env: dict[str, str] = field(default_factory=dict)
    threads: int = 8
    workers: int = 0
    """0: ``selfeval serve`` (waitress, one process); N: the production recipe, gunicorn with
    N worker processes of ``threads`` threads each (docs/web.md)."""
    port: int = 0
    start_timeout: float = 60.0
    """Seconds to wait for the server's first answer (workers start slowly on a busy machine)."""
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update({"SELFEVAL_DB": self.db, "SELFEVAL_LOG_LEVEL": "WARNING"})
        if self.workers:  # every worker must sign sessions with the same key
            env.setdefault("SELFEVAL_SECRET_KEY", secrets.token_urlsafe(50))
        env.update(self.extra_env)
        return env

    def start(self) -> LiveServer:
        env = self.env()
        selfeval(["web", "migrate"], env)
        for name, role in self.users.items():
            selfeval(
                ["users", "add", name, "--role", role, "--password-stdin", *self._where(name)],
                env,
                stdin=self.password + "\n",
            )
        self.port = self.port or free_port()
        log = open(self.workdir / f"serve-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            self._command(),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    "selfeval serve stopped: "
                    + (self.workdir / f"serve-{self.port}.log").read_text()
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {self.start_timeout:.0f} seconds")

    def _command(self) -> list[str]:
        if self.workers:
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "selfeval.web.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "120",
                "--keep-alive",
                "10",
            ]
        return [
            sys.executable,
            "-m",
            "selfeval",
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
        ]

    def _where(self, name: str) -> list[str]:
        if name not in self.authorities:
            return ["--all-authorities"]
        return [a for la in self.authorities[name] for a in ("--la", la)]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sign_in(session: requests.Session, base_url: str, username: str, password: str) -> None:
    """Sign a ``requests.Session`` in through the sign-in form, as a browser would."""
    page = session.get(f"{base_url}/sign-in/", timeout=30)
    page.raise_for_status()
    token = session.cookies.get("selfeval_csrftoken")
    r = session.post(
        f"{base_url}/sign-in/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/sign-in/"},
        timeout=30,
        allow_redirects=False,
    )
    if r.status_code != 302:
        raise RuntimeError(f"signing in {username} failed with HTTP {r.status_code}")
