"""One line per measured figure, for ``run_all.py`` to gather into the table of figures.

Each benchmark prints its own human lines and, for each figure, a machine line
``FIGURE {"bench": ..., "figure": ..., "value": ..., "unit": ..., "goal": ..., "met": ...}``.
"""

from __future__ import annotations

import json

PREFIX = "FIGURE "


def figure(
    bench: str,
    name: str,
    value: float | int | str,
    unit: str = "",
    goal: str | None = None,
    met: bool | None = None,
) -> None:
    """Print one figure's machine line; ``goal`` as the issue states it (e.g. ">= 20")."""
    if isinstance(value, float):
        value = round(value, 3)
    line = {"bench": bench, "figure": name, "value": value, "unit": unit, "goal": goal, "met": met}
    print(PREFIX + json.dumps(line), flush=True)
