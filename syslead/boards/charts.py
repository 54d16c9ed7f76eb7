"""The board's targets against the year's figures as a bar chart drawn on the server (docs/ux.md,
"Charts"), with the shapes of ``syslead.reports.charts``: for each target, the year's figure as a
percentage of it beside the target (100%). The table of the figures is beside it on the page."""

from __future__ import annotations

import math
from collections.abc import Sequence

from syslead.boards.selectors import Measure
from syslead.reports.charts import (
    BOTTOM,
    COMPARISON_COLOUR,
    HEIGHT,
    LEFT,
    RIGHT,
    SUPPORTED_COLOUR,
    TOP,
    WIDTH,
    Bar,
    Chart,
    Group,
    Tick,
)

#: The axis goes at least to 100% and at most to 200% (a taller bar is drawn to the top).
AXIS_MIN, AXIS_MAX, STEP = 100, 200, 25


def _number(value: object) -> str:
    return f"{value:g}" if not isinstance(value, int) else str(value)


def targets_chart(measures: Sequence[Measure]) -> Chart | None:
    """Target and actual bars for each measure with a target above 0; None when there is none."""
    shown = [m for m in measures if m.percent is not None]
    if not shown:
        return None
    highest = max(m.percent or 0.0 for m in shown)
    top = min(AXIS_MAX, max(AXIS_MIN, math.ceil(highest / STEP) * STEP))

    def y(percent: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(percent, top) / top)

    chart = Chart(width=WIDTH, height=HEIGHT, plot_left=LEFT, plot_right=WIDTH - RIGHT)
    chart.ticks = [Tick(round(y(t), 1), f"{t}%") for t in range(0, top + 1, STEP * (top // 100))]
    slot = (WIDTH - LEFT - RIGHT) / len(shown)
    bar_width = min(40.0, slot * 0.35)
    words = []
    for index, measure in enumerate(shown):
        percent = measure.percent or 0.0
        centre = LEFT + slot * (index + 0.5)
        target = _number(measure.target)
        actual = _number(measure.actual)
        bars = (
            Bar(
                x=round(centre - bar_width - 2, 1),
                y=round(y(100), 1),
                width=round(bar_width, 1),
                height=round(y(0) - y(100), 1),
                colour=COMPARISON_COLOUR,
                label=f"Target: {target} {measure.unit}",
                whisker_top=None,
                whisker_bottom=None,
            ),
            Bar(
                x=round(centre + 2, 1),
                y=round(y(percent), 1),
                width=round(bar_width, 1),
                height=round(y(0) - y(percent), 1),
                colour=SUPPORTED_COLOUR,
                label=f"Actual: {actual} {measure.unit} ({percent:g}% of the target)",
                whisker_top=None,
                whisker_bottom=None,
            ),
        )
        chart.groups.append(Group(label=measure.label, centre=round(centre, 1), bars=bars))
        words.append(f"{measure.label}: {actual} of {target} {measure.unit}, {percent:g}%")
    chart.description = "; ".join(words) + ". The table beside the chart gives every figure."
    return chart
