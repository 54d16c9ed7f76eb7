"""Charts drawn on the server as SVG (docs/ux.md "Charts"): no script, no external service. Each
chart is drawn beside the table of its figures, which is what a screen reader reads; the SVG has
``role="img"`` with a title and a description in words.

``impact_chart`` draws the impact figures (docs/impact.md): for each group (a year, or a broker),
the supported schools' improved percentage beside the comparison group's, each bar with its 95%
confidence interval as a whisker. ``bar_chart`` draws any other figures: for each group (a year,
an area, an evaluation item), one bar per series side by side, or the series stacked in one bar
(docs/annual-report.md, "Charts"). Every chart is drawn by ``reports/includes/chart.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

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
    #: The words under the group, short enough for its width (the table has the full label).
    axis_label: str = ""


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class LegendEntry:
    x: int
    colour: str
    label: str

    @property
    def text_x(self) -> int:
        return self.x + 18


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    groups: list[Group] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    description: str = ""
    legend: list[LegendEntry] = field(default_factory=list)

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
            Group(
                label=row.label,
                centre=round(centre, 1),
                bars=tuple(b for b in bars if b),
                axis_label=_fit(row.label, slot),
            )
        )
        theirs = row.comparison_proportion.percent
        words.append(
            f"{row.label}: supported {row.supported_proportion.percent:g}% improved"
            + (f", comparison {theirs:g}%" if theirs is not None else ", no comparison group")
        )
    chart.description = "; ".join(words) + ". The table below gives every figure."
    chart.legend = [
        LegendEntry(LEFT, SUPPORTED_COLOUR, "Supported schools"),
        LegendEntry(
            LEFT + 150, COMPARISON_COLOUR, "Comparison group (lines: 95% confidence interval)"
        ),
    ]
    return chart


# --- Any figures as bars ---------------------------------------------------------------------

#: Colours of the series, in order (GOV.UK Design System: blue, dark grey, purple, orange).
SERIES_COLOURS = ("#1d70b8", "#505a5f", "#4c2c92", "#f47738")
#: Red, amber and green as the GOV.UK tags draw them (dark enough to read against white).
RAG_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c"}


@dataclass(frozen=True)
class Series:
    """One series of figures: a name, its colour and one value per group."""

    label: str
    values: Sequence[float | int | Decimal]
    colour: str = ""


def nice_top(largest: float) -> tuple[float, list[float]]:
    """The scale's top and its five ticks, four equal steps from 0: the step is the smallest of 1,
    2, 2.5 or 5 times a power of ten (at least 1) that reaches the largest figure, so ticks are
    round numbers and a chart of zeros still has a scale of 0 to 4."""
    need = max(largest, 0.0) / 4
    step = 1.0
    power = 1.0
    while step < need:
        step = next((m * power for m in (1, 2, 2.5, 5) if m * power >= need), 10 * power)
        power *= 10
    return step * 4, [step * i for i in range(5)]


def _fit(label: str, slot: float) -> str:
    """A label cut to what fits under a group ``slot`` pixels wide (about 7 pixels a letter)."""
    room = max(3, int(slot / 7))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    unit: str = "",
    axis_labels: Sequence[str] | None = None,
) -> Chart | None:
    """Bars for each label: one per series side by side, or stacked in one bar. None when there
    is no label. The description says every figure in words (the table beside it says it too);
    ``axis_labels``, if given, are shorter words under the groups ("3a" for an item)."""
    if not labels:
        return None
    coloured = [
        Series(s.label, s.values, s.colour or SERIES_COLOURS[i % len(SERIES_COLOURS)])
        for i, s in enumerate(series)
    ]
    values = [[float(s.values[i]) for s in coloured] for i in range(len(labels))]
    largest = max((sum(v) if stacked else max(v, default=0.0)) for v in values)
    top, ticks = nice_top(largest)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    chart = Chart(width=WIDTH, height=HEIGHT, plot_left=LEFT, plot_right=WIDTH - RIGHT)
    chart.ticks = [Tick(round(y(t), 1), _number(t) + unit) for t in ticks]
    slot = (WIDTH - LEFT - RIGHT) / len(labels)
    each = 1 if stacked else len(coloured)
    bar_width = min(40.0, slot * 0.8 / each)
    words = []
    for index, label in enumerate(labels):
        centre = LEFT + slot * (index + 0.5)
        bars = []
        bottom = 0.0
        for position, s in enumerate(coloured):
            value = values[index][position]
            if stacked:
                x = centre - bar_width / 2
                low, high = bottom, bottom + value
                bottom = high
            else:
                x = centre - bar_width * each / 2 + bar_width * position
                low, high = 0.0, value
            if value <= 0:
                continue
            bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(y(high), 1),
                    width=round(bar_width - (0 if stacked else 2), 1),
                    height=round(y(low) - y(high), 1),
                    colour=s.colour,
                    label=f"{s.label}: {_number(value)}{unit}",
                    whisker_top=None,
                    whisker_bottom=None,
                )
            )
        chart.groups.append(
            Group(
                label=label,
                centre=round(centre, 1),
                bars=tuple(bars),
                axis_label=_fit(axis_labels[index] if axis_labels else label, slot),
            )
        )
        figures = ", ".join(
            f"{s.label.lower()} {_number(values[index][i])}{unit}" for i, s in enumerate(coloured)
        )
        words.append(f"{label}: {figures}")
    chart.description = "; ".join(words) + ". The table gives every figure."
    x = LEFT
    for s in coloured:
        chart.legend.append(LegendEntry(x, s.colour, s.label))
        x += 30 + 7 * len(s.label)
    return chart
