"""Charts drawn on the server as SVG (docs/ux.md "Charts"): no script, no external service. Each
chart is drawn beside the table of its figures, which is what a screen reader reads; the SVG has
``role="img"`` with a title and a description in words.

``impact_chart`` draws the impact figures (docs/impact.md): for each group (a year, or a broker),
the supported schools' improved percentage beside the comparison group's, each bar with its 95%
confidence interval as a whisker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from syslead.reports.impact import ImpactRow, Proportion

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 64
#: GOV.UK Design System colours: blue for the supported schools, dark grey for the comparison.
SUPPORTED_COLOUR = "#1d70b8"
COMPARISON_COLOUR = "#505a5f"
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    #: The confidence interval's whisker (top and bottom y), if there is one.
    whisker_top: float | None
    whisker_bottom: float | None

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def cap_left(self) -> float:
        return round(self.centre - 6, 1)

    @property
    def cap_right(self) -> float:
        return round(self.centre + 6, 1)


@dataclass(frozen=True)
class Group:
    label: str
    centre: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    groups: list[Group] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    description: str = ""

    @property
    def legend_y(self) -> int:
        return self.height - 14


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def _bar(x: float, width: float, proportion: Proportion, colour: str, who: str) -> Bar | None:
    percent = proportion.percent
    if percent is None:
        return None
    low, high = proportion.low_percent, proportion.high_percent
    return Bar(
        x=round(x, 1),
        y=round(_y(percent), 1),
        width=round(width, 1),
        height=round(_y(0) - _y(percent), 1),
        colour=colour,
        label=f"{who}: {percent:g}%",
        whisker_top=None if high is None else round(_y(high), 1),
        whisker_bottom=None if low is None else round(_y(low), 1),
    )


def impact_chart(rows: Sequence[ImpactRow]) -> Chart | None:
    """Supported vs comparison bars for each row that has supported schools to count; None when
    no row has any."""
    shown = [row for row in rows if row.supported]
    if not shown:
        return None
    chart = Chart(width=WIDTH, height=HEIGHT, plot_left=LEFT, plot_right=WIDTH - RIGHT)
    chart.ticks = [Tick(round(_y(t), 1), f"{t}%") for t in TICKS]
    slot = (WIDTH - LEFT - RIGHT) / len(shown)
    bar_width = min(40.0, slot * 0.35)
    words = []
    for index, row in enumerate(shown):
        centre = LEFT + slot * (index + 0.5)
        bars = [
            _bar(
                centre - bar_width - 2,
                bar_width,
                row.supported_proportion,
                SUPPORTED_COLOUR,
                "Supported",
            ),
            _bar(centre + 2, bar_width, row.comparison_proportion, COMPARISON_COLOUR, "Comparison"),
        ]
        chart.groups.append(
            Group(label=row.label, centre=round(centre, 1), bars=tuple(b for b in bars if b))
        )
        theirs = row.comparison_proportion.percent
        words.append(
            f"{row.label}: supported {row.supported_proportion.percent:g}% improved"
            + (f", comparison {theirs:g}%" if theirs is not None else ", no comparison group")
        )
    chart.description = "; ".join(words) + ". The table below gives every figure."
    return chart
