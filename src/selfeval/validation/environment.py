"""The validators' own environment: a venv that selfeval creates and reuses, never its own.

DfE's validator packages pin pandas < 2 and numpy < 1.25, which cannot live beside selfeval's
stack. They are installed, at the exact versions of ``constraints.txt`` and from wheels only,
into a venv under the cache folder (``$SELFEVAL_CACHE``, else ``~/.cache/selfeval``) named by
the hash of those pins; a file lock lets many processes ask for it at once. Old numpy has no
wheel for Python 3.12+ and its sdist needs ``pkg_resources`` (gone from new setuptools): that is
the "No module named 'pkg_resources'" failure, so the venv is always made with Python 3.11.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from selfeval.errors import SelfevalError
from selfeval.settings import current

PYTHON_VERSION = (3, 11)


class ValidatorEnvironmentError(SelfevalError):
    """The validators' environment could not be created."""


def _data(name: str) -> str:
    return resources.files("selfeval.validation").joinpath(name).read_text()


def pins() -> str:
    """The exact versions installed in the validators' environment."""
    return _data("constraints.txt")


def cache_dir() -> Path:
    return current().cache


def environment_dir() -> Path:
    digest = hashlib.sha256((pins() + _data("requirements.txt")).encode()).hexdigest()[:12]
    return cache_dir() / f"validators-{digest}"


def _python_311() -> str:
    if sys.version_info[:2] == PYTHON_VERSION:
        return sys.executable
    for name in ("python3.11",):
        found = shutil.which(name)
        if found:
            return found
    raise ValidatorEnvironmentError(
        "DfE's validators need Python 3.11 (python3.11 on the PATH) for their environment"
    )


def python() -> Path:
    """The validators' Python, creating their environment first if need be."""
    env = environment_dir()
    exe = env / "bin" / "python"
    stamp = env / ".selfeval-ready"
    if stamp.exists():
        return exe
    env.parent.mkdir(parents=True, exist_ok=True)
    with open(env.parent / f"{env.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists():
            return exe
        if env.exists():
            shutil.rmtree(env)
        _create(env)
        stamp.write_text(pins())
    return exe


def _create(env: Path) -> None:
    tmp = env.parent / f"{env.name}.building"
    if tmp.exists():
        shutil.rmtree(tmp)
    constraints = tmp / "constraints.txt"
    requirements = tmp / "requirements.txt"
    try:
        subprocess.run([_python_311(), "-m", "venv", str(tmp)], check=True, capture_output=True)
        constraints.write_text(pins())
        requirements.write_text(_data("requirements.txt"))
        subprocess.run(
            [
                str(tmp / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "-c",
                str(constraints),
                "-r",
                str(requirements),
                "setuptools",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        detail = (e.stderr or e.stdout or "").strip().splitlines()[-3:]
        raise ValidatorEnvironmentError(
            f"could not create the validators' environment in {env}: {' '.join(detail)}"
        ) from None
    # A venv's scripts name their own folder: build in place of the final name.
    tmp.rename(env)
    _fix_paths(tmp, env)


def _fix_paths(old: Path, new: Path) -> None:
    """Point a renamed venv's configuration and scripts at its new folder."""
    for f in [new / "pyvenv.cfg", *sorted((new / "bin").iterdir())]:
        if f.is_file() and not f.is_symlink():
            try:
                text = f.read_text()
            except UnicodeDecodeError:
                continue
            if str(old) in text:
                f.write_text(text.replace(str(old), str(new)))
