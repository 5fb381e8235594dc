"""Packages that declare application tables import on their own, first (no import cycle)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("name", ["selfeval.indicators", "selfeval.assurance", "selfeval.plans"])
def test_the_cycle_that_bit_once(name):
    r = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
