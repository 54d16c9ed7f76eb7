"""What the board page reads (docs/alliances.md, "The board"): the year's targets against what the
real records show, the action plan with the overdue actions flagged, and the budget against the
year's income from agreements.

The actual figures are counted as the KPIs count them (``syslead.reports.selectors``): the
agreements of the year are the broker's agreements starting in it that are awaiting signatures,
active, paused or completed; days delivered are the agreed notes of visit dated in the year
(``syslead.capacity.ledger``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from syslead.boards.models import ActionItem, ActionStatus, BoardMember, BudgetLine, YearTargets
from syslead.capacity.days import days_from_units, units_expression
from syslead.capacity.ledger import delivered_days_on
from syslead.core.academic_years import AcademicYear
from syslead.core.money import ZERO, money
from syslead.deployments.models import Deployment, FundingRoute
from syslead.organisations.models import Organisation
from syslead.reports.selectors import DEPLOYED_STATUSES, sle_deployments


@dataclass(frozen=True)
class Measure:
    """One target and what the year has achieved against it."""

    key: str
    label: str
    unit: str
    target: Decimal | None
    actual: Decimal

    @property
    def percent(self) -> float | None:
        """Actual as a percentage of the target (None with no target, or a target of 0)."""
        if not self.target:
            return None
        return round(float(100 * self.actual / self.target), 1)

    @property
    def met(self) -> bool:
        return self.target is not None and self.actual >= self.target

    @property
    def still_to_go(self) -> Decimal:
        if self.target is None:
            return Decimal(0)
        return max(Decimal(0), self.target - self.actual)


@dataclass(frozen=True)
class AgreementFigures:
    """The broker's agreements of the year: how many, the schools they support, their days and
    the money they bring the broker (docs/money.md, "Who pays whom")."""

    agreements: int
    schools: int
    days_agreed: Decimal
    days_delivered: Decimal
    #: The broker's fees on agreements a school, local authority or other commissioner pays for.
    fees: Decimal
    #: What the broker pays the leaders' schools on the agreements it funds itself.
    funded: Decimal

    @property
    def income(self) -> Decimal:
        """The year's net income from agreements: the fees less what the broker funds."""
        return money(self.fees - self.funded)


def agreement_figures(organisation: Organisation, year: AcademicYear) -> AgreementFigures:
    """The figures of the broker's agreements starting in the year (three queries)."""
    broker_route = Q(funding_route=FundingRoute.BROKER)
    sums = Deployment.objects.filter(
        organisation=organisation, academic_year=year.label, status__in=DEPLOYED_STATUSES
    ).aggregate(
        agreements=Count("pk"),
        schools=Count("client_school", distinct=True),
        units=Coalesce(Sum(units_expression()), Value(0), output_field=IntegerField()),
        fees=Sum("to_broker", filter=~broker_route),
        funded=Sum("to_home_school", filter=broker_route),
    )
    # Every version of every agreement of the broker: a note of visit agreed on an agreement
    # later amended was delivered all the same (as the capacity ledger counts it).
    versions = Deployment.objects.filter(organisation=organisation).values_list("pk", flat=True)
    return AgreementFigures(
        agreements=sums["agreements"],
        schools=sums["schools"],
        days_agreed=days_from_units(sums["units"]),
        days_delivered=delivered_days_on(versions, year),
        fees=money(sums["fees"] or ZERO),
        funded=money(sums["funded"] or ZERO),
    )


def measures(
    targets: YearTargets | None, sles_designated: int, figures: AgreementFigures
) -> list[Measure]:
    """Each target beside what the year achieved (the target None when none is set)."""

    def target(value: int | Decimal | None) -> Decimal | None:
        return None if targets is None or value is None else Decimal(value)

    return [
        Measure(
            "sles",
            "SLEs designated",
            "SLEs",
            target(targets.sles_to_designate if targets else None),
            Decimal(sles_designated),
        ),
        Measure(
            "schools",
            "Schools supported",
            "schools",
            target(targets.schools_to_support if targets else None),
            Decimal(figures.schools),
        ),
        Measure(
            "days_agreed",
            "Days of support agreed",
            "days",
            target(targets.days_of_support if targets else None),
            figures.days_agreed,
        ),
        Measure(
            "days_delivered",
            "Days of support delivered",
            "days",
            target(targets.days_of_support if targets else None),
            figures.days_delivered,
        ),
    ]


@dataclass(frozen=True)
class Budget:
    lines: list[BudgetLine]
    income: Decimal

    @property
    def planned(self) -> Decimal:
        return money(sum((line.planned for line in self.lines), ZERO))

    @property
    def actual(self) -> Decimal:
        return money(sum((line.actual for line in self.lines), ZERO))

    @property
    def planned_against_income(self) -> Decimal:
        """Income less the planned spending: negative when the plan spends more than comes in."""
        return money(self.income - self.planned)

    @property
    def actual_against_income(self) -> Decimal:
        """Income less what was spent: negative when spending is over the income."""
        return money(self.income - self.actual)


@dataclass(frozen=True)
class BoardYear:
    organisation: Organisation
    year: AcademicYear
    today: dt.date
    members: list[BoardMember]
    former_members: list[BoardMember]
    targets: YearTargets | None
    figures: AgreementFigures
    measures: list[Measure]
    actions: list[ActionItem]
    budget: Budget

    @property
    def overdue(self) -> list[ActionItem]:
        return [a for a in self.actions if a.is_overdue(self.today)]


def board_year(
    organisation: Organisation, year: AcademicYear, today: dt.date | None = None
) -> BoardYear:
    """Everything the board page shows for one year (a fixed number of queries)."""
    today = today or timezone.localdate()
    seats = list(BoardMember.objects.filter(organisation=organisation).select_related("user"))
    targets = YearTargets.objects.filter(
        organisation=organisation, academic_year=year.label
    ).first()
    figures = agreement_figures(organisation, year)
    sles = len(sle_deployments(organisation, year))
    actions = list(ActionItem.objects.filter(organisation=organisation, academic_year=year.label))
    lines = list(BudgetLine.objects.filter(organisation=organisation, academic_year=year.label))
    return BoardYear(
        organisation=organisation,
        year=year,
        today=today,
        members=[s for s in seats if s.ended_on is None or s.ended_on >= today],
        former_members=[s for s in seats if s.ended_on is not None and s.ended_on < today],
        targets=targets,
        figures=figures,
        measures=measures(targets, sles, figures),
        actions=actions,
        budget=Budget(lines=lines, income=figures.income),
    )


def years_with_records(organisation: Organisation) -> set[str]:
    """The academic years for which the board set targets, actions or a budget (three queries)."""
    years: set[str] = set()
    for model in (YearTargets, ActionItem, BudgetLine):
        years.update(
            model.objects.filter(organisation=organisation)
            .values_list("academic_year", flat=True)
            .distinct()
        )
    return years


def overdue_actions(organisation_ids: set[int], today: dt.date) -> list[ActionItem]:
    """Actions of these boards that are not done and whose due date has passed, oldest first."""
    if not organisation_ids:
        return []
    return list(
        ActionItem.objects.filter(organisation_id__in=organisation_ids, due_on__lt=today)
        .exclude(status=ActionStatus.DONE)
        .select_related("organisation")
        .order_by("due_on", "id")
    )
