"""The annual report of a broker for one academic year (docs/annual-report.md): the year's
designations, agreements started, live and ended, days agreed and delivered, costs and income, the
evaluations' RAG outcomes and the impact against a comparison group, with the KPIs of the years
before it. Two audiences read the same figures under different headings: the summary for members'
governing bodies and the board, and (a local authority's) report of impact to the national body.

``annual_figures`` gathers the figures; ``annual_report_request`` asks for the report and
``annual_report_build`` (the background task ``syslead.reports.tasks.build_annual_report``) lays
out the PDF and writes the workbook, keeping both on the ``AnnualReport`` row.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone

from syslead.accounts.models import User
from syslead.capacity.days import UNITS_PER_DAY, days_from_units
from syslead.core import exports as x
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.rules import add_months
from syslead.evaluation.documents import render_pdf
from syslead.invoicing.models import Invoice, InvoiceStatus
from syslead.leaders.models import Designation
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.reports.charts import RAG_COLOURS, Chart, Series, bar_chart, impact_chart
from syslead.reports.impact import ImpactRow, impact
from syslead.reports.models import (
    REPORT_IN_THE_MAKING,
    AnnualReport,
    AnnualReportStatus,
    Audience,
)
from syslead.reports.selectors import (
    DEPLOYED_STATUSES,
    DEPLOYMENT_WINDOW_MONTHS,
    SLE,
    AreaFigures,
    Kpis,
    RagCounts,
    RouteFigures,
    agreement_days,
    agreement_sums,
    agreements_by_area,
    can_read_kpis,
    evaluation_outcomes,
    kpis,
    year_agreements,
)
from syslead.visits.models import AGREED_STATUSES, Session, Visit

logger = logging.getLogger(__name__)

#: How many academic years the "KPIs over the years" show, the report's year the last.
YEARS_SHOWN = 5
#: A report still queued or being made after this long has stalled (asking again restarts it).
STALLS_AFTER = dt.timedelta(minutes=10)
FAILED_MESSAGE = "The report could not be made."
#: Agreements in which support took place (the impact figures' rule, docs/impact.md).
SUPPORT_STATUSES = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
)
ENDED_STATUSES = (DeploymentStatus.COMPLETED, DeploymentStatus.ENDED_EARLY)


# --- The figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearKpis:
    """One year's headline figures, for the "KPIs over the years" chart and table."""

    academic_year: str
    sles_designated: int
    sles_deployed_within_3_months: int
    agreements: int
    days_agreed: Decimal
    days_delivered: Decimal
    total_cost: Decimal

    @property
    def deployed_percent(self) -> float:
        if not self.sles_designated:
            return 0.0
        return round(100 * self.sles_deployed_within_3_months / self.sles_designated, 1)


@dataclass(frozen=True)
class DesignationsMade:
    """Designations of one type the broker made in the year (revoked ones included: they were
    made that year), and how many of those were revoked by the report's day."""

    type_name: str
    made: int
    revoked: int


@dataclass(frozen=True)
class Money:
    """What the year's agreements cost and where the money goes, and what was invoiced."""

    total_cost: Decimal
    payable_by_school: Decimal
    payable_by_commissioner: Decimal
    to_home_school: Decimal
    to_broker: Decimal
    invoiced: Decimal
    paid: Decimal


@dataclass(frozen=True)
class Agreements:
    started: int
    live: int
    completed: int
    ended_early: int

    @property
    def ended(self) -> int:
        return self.completed + self.ended_early


@dataclass(frozen=True)
class Wording:
    """The headings of one audience (docs/annual-report.md, "Two audiences")."""

    title: str
    for_whom: str
    introduction: str
    designations: str
    agreements: str
    days: str
    money: str
    outcomes: str
    impact: str
    over_the_years: str


def wording(audience: str, organisation: Organisation, year: str) -> Wording:
    if audience == Audience.NATIONAL:
        return Wording(
            title=f"Report of impact {year}",
            for_whom="For the national body",
            introduction=(
                f"{organisation.name} reports on the system leaders it designated and deployed "
                f"in {year}: the support schools received, what it cost, how schools rated it "
                "and whether supported schools' Ofsted grades improved more often than similar "
                "schools'."
            ),
            designations="System leaders designated",
            agreements="Deployments",
            days="Days of support",
            money="Funding of the deployments",
            outcomes="Outcomes reported by the supported schools",
            impact="Impact on inspection outcomes",
            over_the_years="Key performance indicators over five years",
        )
    return Wording(
        title=f"Annual summary report {year}",
        for_whom="For members' governing bodies and the board",
        introduction=(
            f"What {organisation.name}'s system leaders did in {year}, what it cost, how the "
            "schools they supported rated the support, and whether those schools improved."
        ),
        designations="New system leaders",
        agreements="Support agreements",
        days="Days of support",
        money="Costs and income",
        outcomes="How schools rated the support",
        impact="Did supported schools improve?",
        over_the_years="This year against earlier years",
    )


@dataclass
class AnnualFigures:
    organisation: Organisation
    year: AcademicYear
    audience: str
    generated_at: dt.datetime
    wording: Wording
    kpis: Kpis
    designations: list[DesignationsMade]
    agreements: Agreements
    days_agreed: Decimal
    days_delivered: Decimal
    money: Money
    by_funding_route: list[RouteFigures]
    by_area: list[AreaFigures]
    evaluations: int
    outcomes: list[RagCounts]
    impact_row: ImpactRow
    impact_by_year: list[ImpactRow]
    history: list[YearKpis]
    charts: dict[str, Chart | None] = field(default_factory=dict)

    @property
    def rag_totals(self) -> dict[str, int]:
        return {
            "green": sum(o.green for o in self.outcomes),
            "amber": sum(o.amber for o in self.outcomes),
            "red": sum(o.red for o in self.outcomes),
        }

    @property
    def ratings(self) -> int:
        return sum(self.rag_totals.values())

    @property
    def green_percent(self) -> int:
        return round(100 * self.rag_totals["green"] / self.ratings) if self.ratings else 0


def audiences_for(organisation: Organisation) -> list[Audience]:
    """The report of impact to the national body is a local authority's (docs/annual-report.md,
    "Two audiences"); every broker has the summary for governing bodies and the board."""
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return [Audience.GOVERNORS, Audience.NATIONAL]
    return [Audience.GOVERNORS]


def _year(academic_year: AcademicYear | str) -> AcademicYear:
    if isinstance(academic_year, AcademicYear):
        return academic_year
    return AcademicYear.parse(academic_year)


def designations_made(organisation: Organisation, year: AcademicYear) -> list[DesignationsMade]:
    """Designations the organisation made in the year, by type (one query)."""
    rows = (
        Designation.objects.filter(
            organisation=organisation, designated_on__range=(year.starts_on, year.ends_on)
        )
        .values("type__name")
        .annotate(made=Count("pk"), revoked=Count("pk", filter=Q(revoked_on__isnull=False)))
        .order_by("type__name")
    )
    return [DesignationsMade(r["type__name"], r["made"], r["revoked"]) for r in rows]


def agreements_in(organisation: Organisation, year: AcademicYear) -> Agreements:
    """Started: the year's agreements (the KPIs' count). Live: support took place at some time
    in the year (active, paused, completed or ended early, starting on or before its last day and
    not ended before its first). Ended: completed or ended early, ending in the year (the day it
    ended, else its end date). One query."""
    end = Q(ended_on__isnull=False, ended_on__range=(year.starts_on, year.ends_on)) | Q(
        ended_on__isnull=True, ends_on__range=(year.starts_on, year.ends_on)
    )
    live = Q(status__in=SUPPORT_STATUSES, starts_on__lte=year.ends_on) & (
        Q(ended_on__gte=year.starts_on) | Q(ended_on__isnull=True, ends_on__gte=year.starts_on)
    )
    counts = Deployment.objects.filter(organisation=organisation).aggregate(
        started=Count("pk", filter=Q(academic_year=year.label, status__in=DEPLOYED_STATUSES)),
        live=Count("pk", filter=live),
        completed=Count("pk", filter=Q(status=DeploymentStatus.COMPLETED) & end),
        ended_early=Count("pk", filter=Q(status=DeploymentStatus.ENDED_EARLY) & end),
    )
    return Agreements(
        started=counts["started"],
        live=counts["live"],
        completed=counts["completed"],
        ended_early=counts["ended_early"],
    )


def money_of(organisation: Organisation, year: AcademicYear) -> Money:
    """The year's agreements' costs and shares (the KPIs' agreements), and the invoices of the
    broker's agreements issued, or paid, in the year (two queries)."""
    sums = Deployment.objects.filter(
        organisation=organisation, academic_year=year.label, status__in=DEPLOYED_STATUSES
    ).aggregate(
        total=Sum("total_cost"),
        school=Sum("payable_by_school"),
        commissioner=Sum("payable_by_commissioner"),
        home=Sum("to_home_school"),
        broker=Sum("to_broker"),
    )
    invoices = Invoice.objects.filter(deployment__organisation=organisation).aggregate(
        invoiced=Sum(
            "total",
            filter=Q(
                status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PAID),
                issued_on__range=(year.starts_on, year.ends_on),
            ),
        ),
        paid=Sum(
            "total",
            filter=Q(status=InvoiceStatus.PAID, paid_on__range=(year.starts_on, year.ends_on)),
        ),
    )

    def money(value: Any) -> Decimal:
        return Decimal(value or 0)

    return Money(
        total_cost=money(sums["total"]),
        payable_by_school=money(sums["school"]),
        payable_by_commissioner=money(sums["commissioner"]),
        to_home_school=money(sums["home"]),
        to_broker=money(sums["broker"]),
        invoiced=money(invoices["invoiced"]),
        paid=money(invoices["paid"]),
    )


def _delivered_by_year(organisation: Organisation, years: list[AcademicYear]) -> dict[str, Decimal]:
    """Days delivered under the broker's agreements each year: agreed notes of visit dated in the
    year, a full day 1, a half day or twilight 0.5 (the capacity ledger's count; one query)."""
    rows = (
        Visit.objects.filter(
            deployment__organisation=organisation,
            status__in=AGREED_STATUSES,
            date__range=(years[0].starts_on, years[-1].ends_on),
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            full=Count("pk", filter=Q(session=Session.FULL_DAY)),
            halves=Count("pk", filter=~Q(session=Session.FULL_DAY)),
        )
        .order_by()
    )
    units: dict[str, int] = defaultdict(int)
    for row in rows:
        month = row["month"]
        day = month.date() if isinstance(month, dt.datetime) else month
        units[AcademicYear.containing(day).label] += row["full"] * UNITS_PER_DAY + row["halves"]
    return {year.label: days_from_units(units.get(year.label, 0)) for year in years}


def kpis_over_years(
    organisation: Organisation, academic_year: AcademicYear | str, years: int = YEARS_SHOWN
) -> list[YearKpis]:
    """The KPIs of the ``years`` academic years ending with the one given, oldest first, by the
    KPIs' rules (docs/rules.md: KPIs): SLEs designated and deployed within 3 months, agreements
    starting in the year with their days and cost, and days delivered. Four queries, whatever the
    number of years."""
    last = _year(academic_year)
    span = [AcademicYear(last.start_year - n) for n in range(years - 1, -1, -1)]
    labels = [y.label for y in span]
    designations = (
        Designation.objects.filter(
            organisation=organisation,
            type__code__iexact=SLE,
            designated_on__range=(span[0].starts_on, span[-1].ends_on),
        )
        .order_by("designated_on", "pk")
        .values_list("leader_id", "designated_on")
    )
    # Each leader once a year: their first SLE designation of that year.
    first: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for leader_id, designated_on in designations:
        first[AcademicYear.containing(designated_on).label].setdefault(leader_id, designated_on)
    leaders = {leader for by_leader in first.values() for leader in by_leader}
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for leader_id, starts_on in Deployment.objects.filter(
        leader_id__in=leaders, status__in=DEPLOYED_STATUSES
    ).values_list("leader_id", "starts_on"):
        starts[leader_id].append(starts_on)
    sums = {
        row["academic_year"]: row
        for row in Deployment.objects.filter(
            organisation=organisation, academic_year__in=labels, status__in=DEPLOYED_STATUSES
        )
        .values("academic_year")
        .annotate(**agreement_sums())
        .order_by()
    }
    delivered = _delivered_by_year(organisation, span)
    rows = []
    for label in labels:
        designated = first.get(label, {})
        deployed = sum(
            1
            for leader_id, day in designated.items()
            if any(
                s <= add_months(day, DEPLOYMENT_WINDOW_MONTHS) for s in starts.get(leader_id, [])
            )
        )
        row = sums.get(label, {})
        rows.append(
            YearKpis(
                academic_year=label,
                sles_designated=len(designated),
                sles_deployed_within_3_months=deployed,
                agreements=int(row.get("agreements") or 0),
                days_agreed=agreement_days(row),
                days_delivered=delivered[label],
                total_cost=Decimal(row.get("total") or 0),
            )
        )
    return rows


# --- Charts ------------------------------------------------------------------------------------


def history_chart(history: list[YearKpis]) -> Chart | None:
    """Days agreed and days delivered, year by year."""
    return bar_chart(
        [row.academic_year for row in history],
        [
            Series("Days agreed", [row.days_agreed for row in history]),
            Series("Days delivered", [row.days_delivered for row in history]),
        ],
    )


def sles_chart(history: list[YearKpis]) -> Chart | None:
    """SLEs designated, and of them deployed within 3 months, year by year."""
    return bar_chart(
        [row.academic_year for row in history],
        [
            Series("SLEs designated", [row.sles_designated for row in history]),
            Series(
                "Deployed within 3 months",
                [row.sles_deployed_within_3_months for row in history],
            ),
        ],
    )


def area_chart(by_area: list[AreaFigures]) -> Chart | None:
    """Days agreed by the supported schools' area."""
    return bar_chart(
        [row.local_authority for row in by_area], [Series("Days agreed", [r.days for r in by_area])]
    )


def rag_chart(outcomes: list[RagCounts]) -> Chart | None:
    """Each evaluation item's ratings stacked: green, amber, red (nothing when none was rated)."""
    if not any(o.total for o in outcomes):
        return None
    return bar_chart(
        [o.label for o in outcomes],
        [
            Series("Green", [o.green for o in outcomes], RAG_COLOURS["green"]),
            Series("Amber", [o.amber for o in outcomes], RAG_COLOURS["amber"]),
            Series("Red", [o.red for o in outcomes], RAG_COLOURS["red"]),
        ],
        stacked=True,
        # The form's numbering ("3a") under each bar; the table names the item.
        axis_labels=[o.label.split(". ", 1)[0] for o in outcomes],
    )


def kpi_charts(
    history: list[YearKpis], by_area: list[AreaFigures], outcomes: list[RagCounts]
) -> dict[str, Chart | None]:
    return {
        "history": history_chart(history),
        "sles": sles_chart(history),
        "area": area_chart(by_area),
        "rag": rag_chart(outcomes),
    }


def annual_figures(
    organisation: Organisation, academic_year: AcademicYear | str, audience: str
) -> AnnualFigures:
    """Every figure of the year's report, and its charts (ValueError for a bad year label)."""
    year = _year(academic_year)
    agreements = year_agreements(organisation, year)  # read once for the three that use them
    evaluations, outcomes = evaluation_outcomes(organisation, year, agreements)
    impact_figures = impact(organisation, None)
    shown = [row for row in impact_figures.by_year if row.label <= year.label][-YEARS_SHOWN:]
    this_year = next(
        (row for row in impact_figures.by_year if row.label == year.label), ImpactRow(year.label)
    )
    by_area = agreements_by_area(organisation, year, agreements)
    history = kpis_over_years(organisation, year)
    figures = AnnualFigures(
        organisation=organisation,
        year=year,
        audience=audience,
        generated_at=timezone.now(),
        wording=wording(audience, organisation, year.label),
        kpis=kpis(organisation, year, agreements),
        designations=designations_made(organisation, year),
        agreements=agreements_in(organisation, year),
        days_agreed=history[-1].days_agreed,
        days_delivered=history[-1].days_delivered,
        money=money_of(organisation, year),
        by_funding_route=[],
        by_area=by_area,
        evaluations=evaluations,
        outcomes=outcomes,
        impact_row=this_year,
        impact_by_year=shown,
        history=history,
    )
    figures.by_funding_route = list(figures.kpis.by_funding_route)
    figures.charts = kpi_charts(history, by_area, outcomes)
    figures.charts["impact"] = impact_chart(shown)
    return figures


# --- The files ---------------------------------------------------------------------------------


def annual_html(figures: AnnualFigures) -> str:
    return render_to_string("reports/pdf/annual.html", {"f": figures, "w": figures.wording})


def _measure_rows(figures: AnnualFigures) -> list[tuple[str, Any]]:
    money = figures.money
    k = figures.kpis
    return [
        ("Organisation", figures.organisation.name),
        ("Academic year", figures.year.label),
        ("Report", figures.wording.title),
        ("SLEs designated", k.sles_designated),
        ("Target of SLEs to designate", k.sles_designation_target),
        ("SLEs deployed within 3 months", k.sles_deployed_within_3_months),
        ("SLEs deployed within 3 months (%)", k.sles_deployed_within_3_months_percent),
        ("Agreements started", figures.agreements.started),
        ("Agreements live during the year", figures.agreements.live),
        ("Agreements completed", figures.agreements.completed),
        ("Agreements ended early", figures.agreements.ended_early),
        ("Days agreed", figures.days_agreed),
        ("Days delivered", figures.days_delivered),
        ("Total cost (£)", x.Cell(money.total_cost, x.Kind.MONEY)),
        ("Payable by schools (£)", x.Cell(money.payable_by_school, x.Kind.MONEY)),
        ("Payable by commissioners (£)", x.Cell(money.payable_by_commissioner, x.Kind.MONEY)),
        ("To leaders' schools (£)", x.Cell(money.to_home_school, x.Kind.MONEY)),
        ("To the broker (£)", x.Cell(money.to_broker, x.Kind.MONEY)),
        ("Invoiced in the year (£)", x.Cell(money.invoiced, x.Kind.MONEY)),
        ("Paid in the year (£)", x.Cell(money.paid, x.Kind.MONEY)),
        ("End-of-support evaluations", figures.evaluations),
        ("Ratings green (%)", figures.green_percent),
    ]


def annual_export(figures: AnnualFigures) -> x.Export:
    """The workbook: one sheet per section of the report, with its figures."""
    from syslead.reports.exports import (
        FIGURE_COLUMNS,
        IMPACT_COLUMNS,
        MEASURE_COLUMNS,
        OUTCOME_COLUMNS,
    )

    w = figures.wording
    history_columns: list[x.Column[YearKpis]] = [
        x.text("Academic year", lambda r: r.academic_year),
        x.number("SLEs designated", lambda r: r.sles_designated),
        x.number("SLEs deployed within 3 months", lambda r: r.sles_deployed_within_3_months),
        x.number("Deployed within 3 months (%)", lambda r: r.deployed_percent),
        x.number("Agreements", lambda r: r.agreements),
        x.number("Days agreed", lambda r: r.days_agreed),
        x.number("Days delivered", lambda r: r.days_delivered),
        x.money("Total cost (£)", lambda r: r.total_cost),
    ]
    designation_columns: list[x.Column[DesignationsMade]] = [
        x.text("Designation", lambda d: d.type_name, width=30),
        x.number("Made", lambda d: d.made),
        x.number("Since revoked", lambda d: d.revoked),
    ]
    return x.Export(
        f"annual-report-{figures.organisation.slug}-{figures.year.label}-{figures.audience}",
        [
            x.Sheet("Summary", MEASURE_COLUMNS, _measure_rows(figures)),
            x.Sheet(w.designations, designation_columns, figures.designations),
            x.Sheet(
                f"{w.agreements} by funding",
                [x.text("Funded by", lambda r: r.label, width=30), *FIGURE_COLUMNS],
                figures.by_funding_route,
            ),
            x.Sheet(
                "Days by area",
                [x.text("Area", lambda a: a.local_authority, width=30), *FIGURE_COLUMNS],
                figures.by_area,
            ),
            x.Sheet("RAG outcomes", OUTCOME_COLUMNS, figures.outcomes),
            x.Sheet(
                "Impact",
                [x.text("Year agreements began", lambda r: r.label), *IMPACT_COLUMNS],
                figures.impact_by_year,
            ),
            x.Sheet("KPIs over the years", history_columns, figures.history),
        ],
    )


def annual_xlsx(figures: AnnualFigures) -> bytes:
    out = io.BytesIO()
    x.write_xlsx(annual_export(figures), out)
    return out.getvalue()


def report_filename(report: AnnualReport, extension: str) -> str:
    kind = "report-of-impact" if report.audience == Audience.NATIONAL else "annual-summary"
    return f"{kind}-{report.organisation.slug}-{report.academic_year}.{extension}"


# --- Asking for it, and making it --------------------------------------------------------------


class Asked(StrEnum):
    STARTED = "started"
    IN_THE_MAKING = "in_the_making"


@dataclass(frozen=True)
class ReportAsked:
    report: AnnualReport
    outcome: Asked


def reports_of(organisation: Organisation) -> QuerySet[AnnualReport]:
    """The broker's reports, newest first, without their files (those load only to download)."""
    return (
        AnnualReport.objects.filter(organisation=organisation)
        .defer("pdf", "xlsx")
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )


def is_stalled(report: AnnualReport, now: dt.datetime | None = None) -> bool:
    """Queued or being made for longer than ``STALLS_AFTER``."""
    if not report.in_the_making:
        return False
    since = report.started_at or report.requested_at
    return (now or timezone.now()) - since > STALLS_AFTER


def _fail(report: AnnualReport, *, reason: str, actor: User | None = None) -> None:
    AnnualReport.objects.filter(pk=report.pk, status__in=REPORT_IN_THE_MAKING).update(
        status=AnnualReportStatus.FAILED, error=reason[:2000]
    )
    event_record(
        actor=actor,
        subject=report,
        verb="annual_report.failed",
        summary=f"The annual report could not be made: {reason}",
        data={"organisation": report.organisation_id, "year": report.academic_year},
    )


@transaction.atomic
def annual_report_request(
    *, actor: User, organisation: Organisation, academic_year: str, audience: str
) -> ReportAsked:
    """Ask for the year's report (docs/annual-report.md, "Asking for the report"): the broker's
    coordinators and broker leads (and administrators); the report to the national body only of
    a local authority; one report of a broker, year and audience in the making at a time (a
    stalled one is marked failed and another started)."""
    if not can_read_kpis(actor, organisation):
        raise NotAllowed("Only the broker's coordinators and broker leads ask for its report.")
    year = _year(academic_year)
    if audience not in audiences_for(organisation):
        raise RuleViolation("Only a local authority reports its impact to the national body.")
    # Two people asking at once: the second waits here, then finds the first one's report.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    making = (
        reports_of(organisation)
        .filter(academic_year=year.label, audience=audience, status__in=REPORT_IN_THE_MAKING)
        .first()
    )
    if making is not None:
        if not is_stalled(making):
            return ReportAsked(making, Asked.IN_THE_MAKING)
        _fail(making, reason="It stopped before it was finished.", actor=actor)
    report = AnnualReport.objects.create(
        organisation=organisation, academic_year=year.label, audience=audience, requested_by=actor
    )
    event_record(
        actor=actor,
        subject=report,
        verb="annual_report.requested",
        summary=f"Asked for the annual report {year.label} ({Audience(audience).label})",
        data={"organisation": organisation.pk, "year": year.label},
    )
    from syslead.reports.tasks import build_annual_report

    transaction.on_commit(lambda: build_annual_report.enqueue(report.pk))
    return ReportAsked(report, Asked.STARTED)


def annual_report_build(report_id: int) -> AnnualReport:
    """Make a queued report (the background task): being made, then ready with its PDF and
    workbook; or failed with the reason, the error raised again for the worker's log. A report
    that is not queued (made already, or given up as stalled) is left alone."""
    claimed = AnnualReport.objects.filter(pk=report_id, status=AnnualReportStatus.QUEUED).update(
        status=AnnualReportStatus.RUNNING, started_at=timezone.now()
    )
    report = (
        AnnualReport.objects.defer("pdf", "xlsx").select_related("organisation").get(pk=report_id)
    )
    if not claimed:
        return report
    try:
        figures = annual_figures(report.organisation, report.academic_year, report.audience)
        pdf = render_pdf(annual_html(figures))
        xlsx = annual_xlsx(figures)
    except Exception as error:  # the report must show that it failed, whatever happened
        logger.exception("Annual report %s could not be made", report_id)
        with transaction.atomic():
            _fail(report, reason=f"{FAILED_MESSAGE} ({type(error).__name__}: {error})")
        raise
    with transaction.atomic():
        made = AnnualReport.objects.filter(pk=report_id, status=AnnualReportStatus.RUNNING).update(
            status=AnnualReportStatus.READY,
            pdf=pdf,
            xlsx=xlsx,
            pdf_size=len(pdf),
            xlsx_size=len(xlsx),
            built_at=figures.generated_at,
            error="",
        )
        if made:
            event_record(
                actor=None,
                subject=report,
                verb="annual_report.ready",
                summary="The annual report is ready",
                data={"organisation": report.organisation_id, "year": report.academic_year},
            )
    report.refresh_from_db(fields=["status", "pdf_size", "xlsx_size", "built_at", "error"])
    return report


def report_file(organisation_ids: list[int], report_id: int) -> AnnualReport | None:
    """A ready report of one of the brokers, with its files (one query)."""
    return (
        AnnualReport.objects.filter(
            organisation_id__in=organisation_ids, pk=report_id, status=AnnualReportStatus.READY
        )
        .select_related("organisation")
        .first()
    )
