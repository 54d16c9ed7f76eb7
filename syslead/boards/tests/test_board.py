"""The board (issue 15, item 3; docs/alliances.md, "The board"): its members and the one chair,
the year's targets against what the records show, the action plan with overdue actions, and the
budget against the year's income from agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.boards import services
from syslead.boards.charts import targets_chart
from syslead.boards.models import ActionStatus, BoardMember, BoardRole
from syslead.boards.selectors import Measure, agreement_figures, board_year, overdue_actions
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.tests.factories import make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Session, Visit, VisitStatus

YEAR = AcademicYear.parse("2025-26")


def _errors(call: Callable[[], object]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


# Members -----------------------------------------------------------------------------------------


def test_rule_the_board_has_one_current_chair(coordinator: User, alliance: Organisation) -> None:
    """Rule "one chair": a second current chair is refused (409); once the first chair's term
    has ended, a new chair may be added."""
    first = services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        name="Helen Head",
        role=BoardRole.CHAIR,
        started_on=dt.date(2024, 9, 1),
    )
    with pytest.raises(RuleViolation) as refused:
        services.board_member_save(
            actor=coordinator,
            organisation=alliance,
            name="Ian Other",
            role=BoardRole.CHAIR,
            started_on=dt.date(2025, 9, 1),
        )
    assert refused.value.rule == "one_chair"
    services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        member=first,
        name=first.name,
        role=BoardRole.CHAIR,
        started_on=first.started_on,
        ended_on=dt.date(2025, 8, 31),
    )
    services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        name="Ian Other",
        role=BoardRole.CHAIR,
        started_on=dt.date(2025, 9, 1),
    )
    assert BoardMember.objects.filter(role=BoardRole.CHAIR, ended_on__isnull=True).count() == 1


def test_rule_a_seat_ends_after_it_starts_and_a_linked_account_must_exist(
    coordinator: User, alliance: Organisation
) -> None:
    errors = _errors(
        lambda: services.board_member_save(
            actor=coordinator,
            organisation=alliance,
            name="  ",
            role="emperor",
            started_on=dt.date(2025, 9, 1),
            ended_on=dt.date(2025, 8, 1),
            account_email="nobody@nowhere.test",
        )
    )
    assert set(errors) == {"name", "role", "ended_on", "account_email"}


def test_only_the_organisations_coordinators_and_broker_leads_change_the_board(
    broker_lead: User, other_coordinator: User, alliance: Organisation
) -> None:
    services.targets_set(
        actor=broker_lead,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=4,
        schools_to_support=10,
        days_of_support=Decimal("60"),
    )
    with pytest.raises(NotAllowed):
        services.targets_set(
            actor=other_coordinator,
            organisation=alliance,
            year=YEAR,
            sles_to_designate=4,
            schools_to_support=10,
            days_of_support=Decimal("60"),
        )


# Targets -----------------------------------------------------------------------------------------


def test_rule_targets_are_whole_numbers_and_days_in_halves(
    coordinator: User, alliance: Organisation
) -> None:
    errors = _errors(
        lambda: services.targets_set(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            sles_to_designate=-1,
            schools_to_support=5000,
            days_of_support=Decimal("10.3"),
        )
    )
    assert set(errors) == {"sles_to_designate", "schools_to_support", "days_of_support"}
    targets = services.targets_set(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=2,
        schools_to_support=3,
        days_of_support=Decimal("10.5"),
    )
    again = services.targets_set(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=5,
        schools_to_support=3,
        days_of_support=Decimal("10.5"),
    )
    assert again.pk == targets.pk
    assert again.sles_to_designate == 5


@pytest.fixture
def sle(alliance: Organisation) -> Callable[..., LeaderProfile]:
    counter = iter(range(1, 100))

    def _make(designated_on: dt.date, organisation: Organisation | None = None) -> LeaderProfile:
        n = next(counter)
        school = make_school(131000 + n, f"Home School {n}")
        user = make_user(f"board-sle{n}@test.test", f"Sle {n}", (Role.SYSTEM_LEADER, None))
        return make_leader(user, school, organisation or alliance, designated_on=designated_on)

    return _make


@pytest.fixture
def agree(alliance: Organisation) -> Callable[..., Deployment]:
    def _agree(
        leader: LeaderProfile,
        school: School,
        starts_on: dt.date,
        *,
        status: str = DeploymentStatus.ACTIVE,
        route: str = FundingRoute.SCHOOL,
        organisation: Organisation | None = None,
    ) -> Deployment:
        org = organisation or alliance
        return Deployment.objects.create(
            organisation=org,
            support_request=make_request(org, school),
            leader=leader,
            client_school=school,
            home_school=leader.home_school,
            status=status,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=120),
            academic_year=AcademicYear.containing(starts_on).label,
            full_days=2,
            half_days=1,
            funding_route=route,
            total_cost=Decimal("850.00"),
            to_broker=Decimal("125.00"),
            to_home_school=Decimal("725.00"),
        )

    return _agree


def _visit(deployment: Deployment, day: dt.date, status: str, session: str) -> Visit:
    return Visit.objects.create(
        deployment=deployment,
        date=day,
        session=session,
        hours=Decimal("3"),
        focus="Maths",
        status=status,
        submitted_at=timezone.now(),
    )


def test_progress_is_counted_from_the_real_records(
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
    far_school: School,
    sle: Callable[..., LeaderProfile],
    agree: Callable[..., Deployment],
) -> None:
    """Rule "progress from the records": SLEs the organisation designated in the year, distinct
    schools of the year's agreements (awaiting signatures, active, paused or completed), their
    days, and the days of agreed notes of visit dated in the year."""
    lee = sle(dt.date(2025, 10, 1))
    sle(dt.date(2024, 10, 1))  # designated the year before: not counted
    sle(dt.date(2025, 11, 1), organisation=other_org)  # another broker's SLE: not counted
    first = agree(lee, client_school, dt.date(2025, 10, 6))
    agree(lee, client_school, dt.date(2026, 1, 12), status=DeploymentStatus.COMPLETED)
    agree(lee, far_school, dt.date(2026, 2, 2), status=DeploymentStatus.AWAITING_SIGNATURES)
    agree(lee, far_school, dt.date(2025, 12, 1), status=DeploymentStatus.CANCELLED)
    agree(lee, far_school, dt.date(2024, 12, 1))  # the year before
    _visit(first, dt.date(2025, 11, 3), VisitStatus.AGREED, Session.FULL_DAY)
    _visit(first, dt.date(2025, 11, 10), VisitStatus.SIGNED_OFF, Session.HALF_DAY)
    _visit(
        first, dt.date(2025, 11, 17), VisitStatus.AWAITING_AGREEMENT, Session.FULL_DAY
    )  # not agreed
    services.targets_set(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=2,
        schools_to_support=2,
        days_of_support=Decimal("5"),
    )
    found = board_year(alliance, YEAR, dt.date(2026, 3, 1))
    figures = {m.key: (m.target, m.actual) for m in found.measures}
    assert figures == {
        "sles": (Decimal(2), Decimal(1)),
        "schools": (Decimal(2), Decimal(2)),
        "days_agreed": (Decimal(5), Decimal("7.5")),  # three agreements of 2.5 days
        "days_delivered": (Decimal(5), Decimal("1.5")),
    }
    by_key = {m.key: m for m in found.measures}
    assert by_key["schools"].met
    assert not by_key["sles"].met
    assert by_key["sles"].percent == 50.0
    assert by_key["days_agreed"].percent == 150.0


def test_income_is_the_fees_less_what_the_broker_funds(
    alliance: Organisation,
    client_school: School,
    sle: Callable[..., LeaderProfile],
    agree: Callable[..., Deployment],
) -> None:
    """Rule "income from agreements": the broker's fees on agreements others pay for, less what
    it pays the leaders' schools on the agreements it funds (docs/money.md, "Who pays whom")."""
    lee = sle(dt.date(2025, 10, 1))
    agree(lee, client_school, dt.date(2025, 10, 6))
    agree(lee, client_school, dt.date(2025, 11, 6), route=FundingRoute.LOCAL_AUTHORITY)
    agree(lee, client_school, dt.date(2025, 12, 6), route=FundingRoute.BROKER)
    agree(lee, client_school, dt.date(2025, 12, 8), status=DeploymentStatus.CANCELLED)
    figures = agreement_figures(alliance, YEAR)
    assert figures.fees == Decimal("250.00")
    assert figures.funded == Decimal("725.00")
    assert figures.income == Decimal("-475.00")
    assert figures.agreements == 3


# Action plan -------------------------------------------------------------------------------------


def test_rule_a_done_action_has_its_date_and_overdue_means_not_done_and_past_due(
    coordinator: User, alliance: Organisation
) -> None:
    errors = _errors(
        lambda: services.action_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            action="Recruit two maths SLEs",
            owner="Helen Head",
            due_on=dt.date(2025, 12, 1),
            status=ActionStatus.DONE,
        )
    )
    assert set(errors) == {"done_on"}
    late = services.action_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        action="Recruit two maths SLEs",
        owner="Helen Head",
        due_on=dt.date(2025, 12, 1),
        status=ActionStatus.IN_PROGRESS,
        done_on=dt.date(2025, 11, 1),  # not done: the date is dropped
    )
    assert late.done_on is None
    assert late.is_overdue(dt.date(2025, 12, 2))
    assert not late.is_overdue(dt.date(2025, 12, 1))
    assert overdue_actions({alliance.pk}, dt.date(2025, 12, 2)) == [late]
    services.action_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        item=late,
        action=late.action,
        owner=late.owner,
        due_on=late.due_on,
        status=ActionStatus.DONE,
        done_on=dt.date(2025, 12, 5),
    )
    assert overdue_actions({alliance.pk}, dt.date(2025, 12, 6)) == []


# Budget ------------------------------------------------------------------------------------------


def test_rule_budget_amounts_follow_the_money_rules_and_a_heading_appears_once_a_year(
    coordinator: User, alliance: Organisation
) -> None:
    errors = _errors(
        lambda: services.budget_line_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            heading="SLE training",
            planned=Decimal("12.345"),
            actual=Decimal("1000000.01"),
        )
    )
    assert set(errors) == {"planned", "actual"}
    services.budget_line_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        heading="SLE training",
        planned=Decimal("25000"),
        actual=Decimal("0"),
    )
    errors = _errors(
        lambda: services.budget_line_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            heading="sle TRAINING",
            planned=Decimal("1"),
            actual=Decimal("0"),
        )
    )
    assert set(errors) == {"heading"}
    services.budget_line_save(  # the same heading another year is another line
        actor=coordinator,
        organisation=alliance,
        year=YEAR.next(),
        heading="SLE training",
        planned=Decimal("1"),
        actual=Decimal("0"),
    )


def test_the_budget_is_compared_with_the_years_income(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    sle: Callable[..., LeaderProfile],
    agree: Callable[..., Deployment],
) -> None:
    agree(sle(dt.date(2025, 10, 1)), client_school, dt.date(2025, 10, 6))  # £125 of fees
    for heading, planned, actual in (("Training", "100", "40.50"), ("Admin", "50", "0")):
        services.budget_line_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            heading=heading,
            planned=Decimal(planned),
            actual=Decimal(actual),
        )
    budget = board_year(alliance, YEAR).budget
    assert (budget.income, budget.planned, budget.actual) == (
        Decimal("125.00"),
        Decimal("150.00"),
        Decimal("40.50"),
    )
    assert budget.planned_against_income == Decimal("-25.00")  # the plan spends more than comes in
    assert budget.actual_against_income == Decimal("84.50")


# Chart -------------------------------------------------------------------------------------------


def test_the_chart_draws_each_target_beside_its_figure_and_needs_a_target(
    coordinator: User, alliance: Organisation
) -> None:
    assert targets_chart(board_year(alliance, YEAR).measures) is None
    services.targets_set(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=0,  # a target of 0 has no percentage: not drawn
        schools_to_support=4,
        days_of_support=Decimal("20"),
    )
    chart = targets_chart(board_year(alliance, YEAR).measures)
    assert chart is not None
    assert [g.label for g in chart.groups] == [
        "Schools supported",
        "Days of support agreed",
        "Days of support delivered",
    ]
    # Nothing yet: the target's bar alone, the figure 0% in words.
    assert [bar.label for bar in chart.groups[0].bars] == ["Target: 100%"]
    assert "Schools supported: target 100%, actual 0%" in chart.description
    # A figure is drawn as its percentage of the target, beside the target's 100%.
    drawn = targets_chart(
        [Measure("schools", "Schools supported", "schools", Decimal(4), Decimal(3))]
    )
    assert drawn is not None
    target_bar, actual_bar = drawn.groups[0].bars
    assert (target_bar.label, actual_bar.label) == ("Target: 100%", "Actual: 75%")
    assert actual_bar.height == pytest.approx(target_bar.height * 0.75, abs=0.2)


def test_erasing_a_person_replaces_their_name_on_the_board(
    coordinator: User, administrator: User, alliance: Organisation, home_head: User
) -> None:
    """docs/privacy.md: an erased person's name is replaced wherever it appears in free text,
    here their seat on the board and the actions they own."""
    from syslead.privacy.erasure import erase_person, pseudonym_for

    seat = services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        name=home_head.name,
        role=BoardRole.MEMBER,
        started_on=dt.date(2025, 9, 1),
        account_email=home_head.email,
    )
    item = services.action_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        action="Visit the members",
        owner=home_head.name,
        due_on=dt.date(2026, 1, 1),
    )
    erase_person(actor=administrator, person=home_head, reason="Asked")
    seat.refresh_from_db()
    item.refresh_from_db()
    assert seat.name == pseudonym_for(home_head)
    assert item.owner == pseudonym_for(home_head)


def test_the_database_keeps_a_heading_once_a_year_whatever_its_capitals(
    alliance: Organisation,
) -> None:
    """Rule "a heading appears once a year", backed by a unique index on the lower-cased heading
    (two requests at once cannot both add it)."""
    from django.db import IntegrityError, transaction

    from syslead.boards.models import BudgetLine

    BudgetLine.objects.create(organisation=alliance, academic_year="2025-26", heading="Admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(organisation=alliance, academic_year="2025-26", heading="ADMIN")
