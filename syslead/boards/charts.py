"""The board's targets against the year's figures as a chart (docs/ux.md, "Charts"), drawn by
``syslead.reports.charts.bar_chart`` and ``reports/includes/chart.html`` like every other chart:
for each target above 0, the target (100%) beside the year's figure as a percentage of it. The
table of the figures is beside it on the page."""

from __future__ import annotations

from collections.abc import Sequence

from syslead.boards.selectors import Measure
from syslead.reports.charts import COMPARISON_COLOUR, SUPPORTED_COLOUR, Chart, Series, bar_chart


def targets_chart(measures: Sequence[Measure]) -> Chart | None:
    """Target and actual bars, in percent of the target, for each measure with a target above 0;
    None when there is none."""
    shown = [m for m in measures if m.percent is not None]
    return bar_chart(
        [m.label for m in shown],
        [
            Series("Target", [100] * len(shown), COMPARISON_COLOUR),
            Series("Actual", [m.percent or 0.0 for m in shown], SUPPORTED_COLOUR),
        ],
        unit="%",
    )
