"""Impact against a comparison group: did the schools a broker supported improve their Ofsted
grade more often than similar schools nobody in Syslead supported? (docs/impact.md, which sets
out the method in words; the page repeats it.)

The rules, each tested in ``syslead/reports/tests/test_impact.py``:

- **Graded inspections only, before the report-card era.** Only inspections with a single overall
  grade (outstanding 1, good 2, requires improvement or satisfactory 3, inadequate 4) dated
  before 1 September 2025 are used. Ofsted gave no overall grade from September 2024 and grades
  report-card inspections on several areas and a five-point scale (from the 2025-26 year), which
  does not map onto the four grades, so those inspections are kept apart and counted.
- **A supported school** is the client school of an agreement that took place (active, paused,
  completed or ended early) of the broker (every broker for "all brokers") starting in the year
  (any year for "all years"). Its **start** is the earliest such agreement's start date.
- **Its starting grade** is its latest graded inspection on or before the start, and no older than
  ``BASELINE_YEARS`` academic years before the start's year; **its later grade** the first graded
  inspection after the start. It **improved** when the later grade is better (a lower number)
  than the starting grade. A school with no starting grade, not yet inspected again, or with no
  comparison school of its phase, starting grade and year, is counted apart.
- **The comparison group** for a year: every school of the register that no agreement in Syslead
  ever supported (any status but draft or cancelled), whose starting grade and later grade are
  read the same way from 1 September of that year, in the cells (phase, starting grade, year) of
  the supported schools. Its percentage is weighted like the supported schools (each cell counts
  as many times as it has supported schools), so a different mix of grades and phases does not
  move it.
- **95% confidence intervals**: Wilson's score interval; for the weighted comparison percentage,
  with Kish's effective number of schools.

Everything is read in four queries and computed with numpy over the whole register: no query per
school.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections
from django.db.models import Case, IntegerField, QuerySet, Value, When

from syslead.core.academic_years import AcademicYear
from syslead.core.gc_pause import cyclic_gc_paused
from syslead.core.queries import raw_rows
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.organisations.models import Organisation
from syslead.schools.models import OFSTED_GRADE_NUMBER, OfstedInspection, Phase
from syslead.schools.ofsted_file import REPORT_CARD_ERA_STARTS

#: A starting grade older than this many academic years before the start's year is too old to
#: describe the school when support began.
BASELINE_YEARS = 4
#: Agreements in which support took place.
SUPPORT_STATUSES = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
)
#: Agreements that make a school "supported in Syslead", so never a comparison school.
NOT_SUPPORT = (DeploymentStatus.DRAFT, DeploymentStatus.CANCELLED)
#: The normal distribution's 97.5th percentile: a two-sided 95% interval.
Z95 = 1.959963984540054
_KEY = 1_000_000  # date ordinals are below a million until the year 2738

IntArray = npt.NDArray[np.int64]


def wilson_interval(successes: float, total: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's score interval for a proportion ``successes / total`` (as fractions 0-1):

    centre = (p + z²/2n) / (1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).

    Unlike p ± z·√(p(1−p)/n) it stays within 0-1 and is not zero-width at 0% or 100%. None when
    there is nothing to estimate (total 0). ``total`` may be an effective number (not whole)."""
    if total <= 0:
        return None
    p = successes / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    """``improved`` of ``total`` schools, as a percentage with its 95% interval."""

    improved: float
    total: float

    @property
    def fraction(self) -> float | None:
        return self.improved / self.total if self.total else None

    @property
    def percent(self) -> float | None:
        fraction = self.fraction
        return None if fraction is None else round(100 * fraction, 1)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.improved, self.total)

    @property
    def low_percent(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(100 * interval[0], 1)

    @property
    def high_percent(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(100 * interval[1], 1)


@dataclass
class ImpactRow:
    """The figures of one group of supported schools (a year, a broker, or all of them)."""

    label: str
    #: Supported schools with a starting grade, a later graded inspection and comparison schools.
    supported: int = 0
    improved: int = 0
    stayed: int = 0
    declined: int = 0
    #: Supported schools counted apart: no starting grade, not inspected again yet, or (below)
    #: no comparison school of their phase, starting grade and year.
    no_starting_grade: int = 0
    not_inspected_again: int = 0
    #: Supported schools whose cell (phase, starting grade, year) has no comparison school.
    without_comparison: int = 0
    #: Comparison schools (a school is counted once per year whose comparison it is in).
    comparison_schools: int = 0
    comparison_improved: int = 0
    #: The comparison's improved fraction weighted like the supported schools, and the effective
    #: number of schools behind it (Kish).
    comparison_weighted: float = 0.0
    comparison_effective: float = 0.0
    #: (phase, starting grade, year) → supported schools in the cell (those with a comparison).
    cells: dict[tuple[int, int, int], int] = field(default_factory=dict, repr=False)

    @property
    def supported_proportion(self) -> Proportion:
        return Proportion(self.improved, self.supported)

    @property
    def comparison_proportion(self) -> Proportion:
        return Proportion(
            self.comparison_weighted * self.comparison_effective, self.comparison_effective
        )

    @property
    def difference_points(self) -> float | None:
        """Supported minus comparison, in percentage points."""
        ours, theirs = self.supported_proportion.percent, self.comparison_proportion.percent
        return None if ours is None or theirs is None else round(ours - theirs, 1)


@dataclass
class Impact:
    """The impact figures of a broker (None: every broker) and year (None: every year)."""

    organisation: Organisation | None
    academic_year: AcademicYear | None
    overall: ImpactRow
    by_year: list[ImpactRow]
    by_broker: list[ImpactRow]
    #: Inspections in the register dated in the report-card era, kept apart.
    report_card_era_inspections: int
    #: Graded inspections and schools read (what the figures rest on).
    inspections_read: int
    schools_read: int


def _int_columns(
    queryset: QuerySet[Any], names: Sequence[str], dates: Sequence[str] = ()
) -> list[IntArray]:
    """The columns ``names`` of the queryset's rows as arrays of whole numbers, the ``dates``
    among them as ordinals (``date.toordinal``). Never NULL.

    On PostgreSQL the database packs every value as 8 bytes (``int8send``) into one ``bytea``
    that numpy reads in place: one value read, not a Python object per value (tens of thousands
    of inspections and agreements are read on every request). Elsewhere, straight from the
    cursor, column by column."""
    query = queryset.order_by().values_list(*names)
    connection = connections[query.db]
    if connection.vendor != "postgresql":
        rows = raw_rows(query)
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        return [
            _ordinals(column) if name in dates else np.array(column, dtype=np.int64)
            for name, column in zip(names, columns, strict=True)
        ]
    sql, params = query.query.sql_with_params()
    packed = " || ".join(
        f"int8send((rows.\"{name}\" - DATE '0001-01-01' + 1)::int8)"
        if name in dates
        else f'int8send(rows."{name}"::int8)'
        for name in names
    )
    with connection.cursor() as cursor:
        # The columns are our own names; the query is Django's, with its parameters.
        cursor.execute(
            f"SELECT string_agg({packed}, ''::bytea), count(*) FROM ({sql}) AS rows",  # noqa: S608
            params,
        )
        data, count = cursor.fetchone()
    if not count:
        return [np.zeros(0, dtype=np.int64) for _ in names]
    table = np.frombuffer(bytes(data or b""), dtype=">i8").reshape(-1, len(names))
    if len(table) != count:  # a NULL packs to nothing: the row would be lost
        raise ValueError(f"a NULL among {', '.join(names)}")
    return [table[:, n].astype(np.int64) for n in range(len(names))]


#: ``date(1970, 1, 1).toordinal()``: numpy counts days from 1970, Python from year 1.
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _ordinals(values: Sequence[Any]) -> IntArray:
    """Dates read raw from the cursor (dates, or ISO strings on SQLite) as ordinals, in C."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    if isinstance(values[0], dt.date):
        return np.fromiter(map(dt.date.toordinal, values), dtype=np.int64, count=len(values))
    return np.array(values, dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL


@dataclass(frozen=True)
class _History:
    """Every graded inspection before the report-card era, sorted by school then date."""

    urns: IntArray
    days: IntArray
    grades: IntArray
    phases: IntArray
    keys: IntArray

    @classmethod
    def load(cls) -> _History:
        # The grade and the school's phase as small numbers written by the database (``CASE``),
        # not words turned into numbers here: tens of thousands of inspections are read on every
        # request, and Python's small numbers cost nothing to read.
        grade = Case(
            *(When(rating=rating, then=Value(n)) for rating, n in OFSTED_GRADE_NUMBER.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
        phase = Case(
            *(
                When(school__phase=value, then=Value(code))
                for code, value in enumerate(Phase.values, start=1)
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        urns, days, grades, phases = _int_columns(
            OfstedInspection.objects.filter(inspected_on__lt=REPORT_CARD_ERA_STARTS).annotate(
                grade=grade, phase_code=phase
            ),
            ["school_id", "inspected_on", "grade", "phase_code"],
            dates=["inspected_on"],
        )
        keep = grades > 0
        keys = urns * _KEY + days
        order = np.argsort(keys[keep], kind="stable")
        return cls(
            urns=urns[keep][order],
            days=days[keep][order],
            grades=grades[keep][order],
            phases=phases[keep][order],
            keys=keys[keep][order],
        )

    def at(
        self, urns: IntArray, days: IntArray, oldest: IntArray
    ) -> tuple[npt.NDArray[np.bool_], IntArray, npt.NDArray[np.bool_], IntArray, IntArray]:
        """For each (school, day): whether it has a starting grade (the latest graded inspection
        on or before the day and on or after ``oldest``) and that grade, whether it has a later
        graded inspection and its grade, and the school's phase code."""
        size = len(self.keys)
        if size == 0:
            none = np.zeros(len(urns), dtype=bool)
            zeros = np.zeros(len(urns), dtype=np.int64)
            return none, zeros, none, zeros, zeros
        after = np.searchsorted(self.keys, urns * _KEY + days, side="right")
        before = np.clip(after - 1, 0, size - 1)
        later = np.clip(after, 0, size - 1)
        has_before = (after > 0) & (self.urns[before] == urns) & (self.days[before] >= oldest)
        has_later = (after < size) & (self.urns[later] == urns)
        phase = np.where(has_before, self.phases[before], self.phases[later])
        return has_before, self.grades[before], has_later, self.grades[later], phase


def _oldest_baseline(years: IntArray) -> IntArray:
    """For each academic year (its first calendar year), the oldest day a starting grade may
    have: 1 September ``BASELINE_YEARS`` years before the year starts, as ordinals."""
    # A few distinct years among many schools: each worked out once.
    distinct, where = np.unique(years, return_inverse=True)
    oldest = np.fromiter(
        (dt.date(int(y) - BASELINE_YEARS, 9, 1).toordinal() for y in distinct),
        dtype=np.int64,
        count=len(distinct),
    )
    return oldest[where.reshape(-1)]


@dataclass(frozen=True)
class _Members:
    """The agreements counted, column by column (the report may count tens of thousands, so
    never an object per agreement): the client school, the start as an ordinal, the first
    calendar year of the start's academic year (``AcademicYear.containing``), the broker."""

    urns: IntArray
    days: IntArray
    years: IntArray
    organisations: IntArray

    @classmethod
    def read(cls, agreements: QuerySet[Deployment]) -> _Members:
        urns, organisations, days = _int_columns(
            agreements,
            ["client_school_id", "organisation_id", "starts_on"],
            dates=["starts_on"],
        )
        calendar = (days - _EPOCH_ORDINAL).astype("datetime64[D]")
        year = calendar.astype("datetime64[Y]").astype(np.int64) + 1970
        month = calendar.astype("datetime64[M]").astype(np.int64) % 12 + 1
        return cls(urns=urns, days=days, years=year - (month < 9), organisations=organisations)

    def groups(self, by: IntArray) -> list[tuple[int, _Members]]:
        """The agreements grouped by ``by`` (their start's year, their broker), each group in
        the agreements' order, the groups in the order their first agreement comes: one sort, not
        a pass over every agreement per group (there are 161 brokers)."""
        order = np.argsort(by, kind="stable")
        _, starts = np.unique(by[order], return_index=True)
        parts = np.split(order, starts[1:]) if len(order) else []
        parts.sort(key=lambda part: int(part[0]))
        return [
            (
                int(by[part[0]]),
                _Members(
                    self.urns[part], self.days[part], self.years[part], self.organisations[part]
                ),
            )
            for part in parts
        ]


def _comparison_cells(
    history: _History, never_supported: IntArray, years: Iterable[int]
) -> dict[tuple[int, int, int], tuple[int, int]]:
    """(phase, starting grade, year) → (comparison schools, of which improved), for each year."""
    cells: dict[tuple[int, int, int], tuple[int, int]] = {}
    for year in sorted(set(years)):
        reference = dt.date(year, 9, 1).toordinal()
        days = np.full(len(never_supported), reference, dtype=np.int64)
        oldest = dt.date(year - BASELINE_YEARS, 9, 1).toordinal()
        has_before, before, has_later, later, phase = history.at(
            never_supported, days, np.full(len(never_supported), oldest, dtype=np.int64)
        )
        # A school whose phase the register does not know matches no one.
        usable = has_before & has_later & (phase > 0)
        improved = usable & (later < before)
        code = phase * 10 + before
        totals = np.bincount(code[usable], minlength=100)
        wins = np.bincount(code[improved], minlength=100)
        for value in np.nonzero(totals)[0]:
            cells[(int(value) // 10, int(value) % 10, year)] = (
                int(totals[value]),
                int(wins[value]),
            )
    return cells


def _cell_codes(phase: Any, grade: Any, year: Any) -> IntArray:
    """(phase, starting grade, year) as one number (arrays or single values): phase and grade are
    single digits, the year four."""
    return (
        np.asarray(phase, dtype=np.int64) * 100_000
        + np.asarray(grade, dtype=np.int64) * 10_000
        + np.asarray(year, dtype=np.int64)
    )


def _cell_of(code: int) -> tuple[int, int, int]:
    return code // 100_000, code // 10_000 % 10, code % 10_000


def _row(
    label: str,
    members: _Members,
    history: _History,
    comparison: dict[tuple[int, int, int], tuple[int, int]],
    known: IntArray,
) -> ImpactRow:
    """The figures of one group of supported schools: each school once, from its earliest start.
    ``known``: the comparison's cells as ``_cell_codes``."""
    row = ImpactRow(label=label)
    if not len(members.urns):
        return row
    # Each school's earliest start (a stable sort by school, then start), the schools in the
    # order they first come among the agreements (the order the cells are listed in).
    order = np.lexsort((members.days, members.urns))
    by_school = members.urns[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = by_school[1:] != by_school[:-1]
    _, first_seen = np.unique(members.urns, return_index=True)
    chosen = order[starts][np.argsort(first_seen, kind="stable")]
    urns, days, years = members.urns[chosen], members.days[chosen], members.years[chosen]
    has_before, before, has_later, later, phase = history.at(urns, days, _oldest_baseline(years))
    usable = has_before & has_later
    row.no_starting_grade = int((~has_before).sum())
    row.not_inspected_again = int((has_before & ~has_later).sum())
    # Only schools with comparison schools of their phase, starting grade and year are compared:
    # each (phase, grade, year) as one number, so the test runs in numpy, not per school.
    codes = _cell_codes(phase, before, years)
    matched = usable & np.isin(codes, known)
    row.without_comparison = int((usable & ~matched).sum())
    row.supported = int(matched.sum())
    row.improved = int((matched & (later < before)).sum())
    row.stayed = int((matched & (later == before)).sum())
    row.declined = int((matched & (later > before)).sum())
    # The cells in the order their first school comes (as counted one by one before).
    found, first_at, counts = np.unique(codes[matched], return_index=True, return_counts=True)
    cells: dict[tuple[int, int, int], int] = {
        _cell_of(int(found[i])): int(counts[i]) for i in np.argsort(first_at, kind="stable")
    }
    weighted = weight_sq = weight = 0.0
    for cell, count in cells.items():
        total, wins = comparison[cell]
        row.cells[cell] = count
        row.comparison_schools += total
        row.comparison_improved += wins
        weighted += count * wins / total
        weight += count
        weight_sq += count * count / total
    if weight:
        row.comparison_weighted = weighted / weight
        row.comparison_effective = weight * weight / weight_sq
    return row


def impact(organisation: Organisation | None, academic_year: AcademicYear | str | None) -> Impact:
    """The impact figures for the broker (None: every broker) and the year of the agreements'
    start (None: every year): overall, by year, and by broker when every broker is asked."""
    # Tens of thousands of agreements and inspections read: see ``cyclic_gc_paused``.
    with cyclic_gc_paused():
        return _impact(organisation, academic_year)


def _impact(organisation: Organisation | None, academic_year: AcademicYear | str | None) -> Impact:
    year = AcademicYear.parse(academic_year) if isinstance(academic_year, str) else academic_year
    history = _History.load()
    # Every school ever supported (the comparison leaves them out), then only the agreements
    # counted: the two read far fewer rows than every agreement of every year.
    (ever_supported,) = _int_columns(
        Deployment.objects.exclude(status__in=NOT_SUPPORT).distinct(), ["client_school_id"]
    )
    counted = Deployment.objects.filter(status__in=SUPPORT_STATUSES)
    if organisation is not None:
        counted = counted.filter(organisation_id=organisation.pk)
    if year is not None:
        counted = counted.filter(starts_on__gte=year.starts_on, starts_on__lte=year.ends_on)
    members = _Members.read(counted)
    all_urns = np.unique(history.urns)
    never_supported = all_urns[~np.isin(all_urns, ever_supported)]
    start_years: list[int] = np.unique(members.years).tolist()
    comparison = _comparison_cells(history, never_supported, start_years)
    phases, grades, years = zip(*comparison, strict=True) if comparison else ((),) * 3
    known = _cell_codes(phases, grades, years)
    by_year = sorted(
        (
            (start, _row(AcademicYear(start).label, group, history, comparison, known))
            for start, group in members.groups(members.years)
        ),
        key=lambda pair: pair[0],
    )
    by_broker: list[ImpactRow] = []
    if organisation is None:
        grouped = members.groups(members.organisations)
        names = dict(
            Organisation.objects.filter(pk__in=[org for org, _ in grouped]).values_list(
                "pk", "name"
            )
        )
        by_broker = sorted(
            (
                _row(names.get(org, "?"), group, history, comparison, known)
                for org, group in grouped
            ),
            key=lambda r: r.label.lower(),
        )
    overall_label = organisation.name if organisation is not None else "All brokers"
    return Impact(
        organisation=organisation,
        academic_year=year,
        overall=_row(overall_label, members, history, comparison, known),
        by_year=[row for _, row in by_year],
        by_broker=by_broker,
        report_card_era_inspections=OfstedInspection.objects.filter(
            inspected_on__gte=REPORT_CARD_ERA_STARTS
        ).count(),
        inspections_read=len(history.keys),
        schools_read=len(all_urns),
    )
