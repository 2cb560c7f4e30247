"""`analytics report --png`: the report's views-and-visitors chart as a PNG image.

matplotlib (Agg, no display) draws it. It takes 0.7-2.4 s to import on a loaded 2-core
machine, so only `--png` imports this module; the Figure is built without pyplot (no global
state, safe in threads).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

VIEWS_COLOR = "#3b6ea8"
VISITORS_COLOR = "#9cc3e6"


def views_png(days: Sequence[tuple[date, int, int]], *, title: str) -> bytes:
    """One bar per day: views, with the visitors drawn over it as the lighter part (as in the terminal chart)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(days)))
    axes.bar(positions, [views for _, views, _ in days], color=VIEWS_COLOR, label="views", width=0.8)
    axes.bar(positions, [min(visitors, views) for _, views, visitors in days], color=VISITORS_COLOR,
             label="visitors", width=0.8)  # fmt: skip
    step = max(1, -(-len(days) // 8))  # about eight date labels, whatever the period
    axes.set_xticks(positions[::step], labels=[f"{day:%b} {day.day}" for day, _, _ in days[::step]])
    axes.set_xlim(-0.6, len(days) - 0.4)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("per day (UTC)")
    axes.set_title(title)
    axes.legend(loc="upper left")
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
