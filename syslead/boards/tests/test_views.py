"""The board pages (issue 15, item 3): one page per academic year with a year switcher, the forms
with their error summaries, who may read and who may change, the overdue actions on the home
page, and the page's query budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.boards import services
from syslead.boards.models import ActionItem, ActionStatus, BoardMember, BoardRole, BudgetLine
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
YEAR = AcademicYear.current()


def _board(alliance: Organisation, year: AcademicYear | str = "") -> str:
    url = reverse("boards:board", args=[alliance.pk])
    label = year.label if isinstance(year, AcademicYear) else year
    return f"{url}?year={label}" if label else url


@pytest.fixture
def seat(coordinator: User, alliance: Organisation, home_head: User) -> BoardMember:
    """Hal, a headteacher, chairs the board and has an account."""
    return services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        name="Hal Home-Head",
        role=BoardRole.CHAIR,
        started_on=YEAR.starts_on,
        account_email=home_head.email,
    )


@pytest.fixture
def late_action(coordinator: User, alliance: Organisation) -> ActionItem:
    return services.action_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        action="Publish the SLE recruitment pack",
        owner="Alice Coordinator",
        due_on=YEAR.starts_on,
    )


def test_the_board_page_shows_the_year_chosen_and_this_year_by_default(
    login: Login, coordinator: User, alliance: Organisation, late_action: ActionItem
) -> None:
    client = login(coordinator)
    page = client.get(_board(alliance)).content.decode()
    assert f"The board, {YEAR.label}" in page
    assert "Publish the SLE recruitment pack" in page
    assert "Overdue" in page
    earlier = client.get(_board(alliance, YEAR.previous())).content.decode()
    assert f"The board, {YEAR.previous().label}" in earlier
    assert "Publish the SLE recruitment pack" not in earlier


def test_a_year_that_cannot_be_chosen_is_said_and_this_year_shown(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).get(_board(alliance, "1999-2000"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The academic year asked for is not one you can choose" in page
    assert f"The board, {YEAR.label}" in page


def test_a_board_member_with_an_account_reads_the_board_and_changes_nothing(
    login: Login,
    home_head: User,
    alliance: Organisation,
    seat: BoardMember,
    late_action: ActionItem,
) -> None:
    """Rule "who reads the board": a person sitting on the board whose account is linked reads
    its page, without the links to change it; every change page is 403 for them."""
    client = login(home_head)
    response = client.get(_board(alliance))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You sit on the board" in page
    assert "Add an action" not in page
    assert client.get(reverse("boards:index")).status_code == 302
    for url in (
        reverse("boards:action_edit", args=[late_action.pk]),
        reverse("boards:member_edit", args=[seat.pk]),
        reverse("boards:action_add", args=[alliance.pk, YEAR.label]),
        reverse("boards:targets", args=[alliance.pk, YEAR.label]),
    ):
        assert client.get(url).status_code == 403, url
    services.board_member_save(  # the term ended: no longer a reader
        actor=User.objects.get(email="alice@kyra.test"),
        organisation=alliance,
        member=seat,
        name=seat.name,
        role=seat.role,
        started_on=seat.started_on,
        ended_on=YEAR.starts_on,
        account_email=home_head.email,
    )
    if YEAR.starts_on < dt.date.today():
        assert client.get(_board(alliance)).status_code == 403
        assert client.get(reverse("boards:action_edit", args=[late_action.pk])).status_code == 404


def test_others_may_not_see_the_board(
    login: Login, other_coordinator: User, stranger: User, alliance: Organisation
) -> None:
    assert login(other_coordinator).get(_board(alliance)).status_code == 403
    assert login(stranger).get(reverse("boards:index")).status_code == 403


def test_adding_an_action_with_a_missing_date_shows_the_error_summary(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    url = reverse("boards:action_add", args=[alliance.pk, YEAR.label])
    response = client.post(url, {"action": "Train the new SLEs", "owner": "", "status": "done"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter who owns the action" in page
    assert "Enter the date due" in page
    response = client.post(
        url,
        {
            "action": "Train the new SLEs",
            "owner": "Helen Head",
            "status": "done",
            **date_input_data("due_on", YEAR.starts_on),
        },
    )
    assert "Enter the date the action was done" in response.content.decode()
    assert not ActionItem.objects.exists()
    response = client.post(
        url,
        {
            "action": "Train the new SLEs",
            "owner": "Helen Head",
            "status": "in_progress",
            **date_input_data("due_on", YEAR.ends_on),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#actions")
    item = ActionItem.objects.get()
    assert (item.academic_year, item.status) == (YEAR.label, ActionStatus.IN_PROGRESS)


def test_a_second_chair_is_refused_on_the_role_and_a_budget_line_is_saved(
    login: Login, coordinator: User, alliance: Organisation, seat: BoardMember
) -> None:
    client = login(coordinator)
    response = client.post(
        reverse("boards:member_add", args=[alliance.pk]),
        {"name": "Ian Other", "role": "chair", **date_input_data("started_on", YEAR.starts_on)},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert services.ONE_CHAIR in page
    response = client.post(
        reverse("boards:budget_add", args=[alliance.pk, YEAR.label]),
        {"heading": "SLE training", "planned": "£12,500.50", "actual": ""},
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    assert (line.planned, line.actual) == (Decimal("12500.50"), Decimal("0.00"))
    response = client.post(
        reverse("boards:budget_edit", args=[line.pk]),
        {"heading": "SLE training", "planned": "12.505", "actual": "1"},
    )
    assert "at most two decimal places" in response.content.decode()


def test_setting_the_targets_shows_them_against_the_figures(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    response = client.post(
        reverse("boards:targets", args=[alliance.pk, YEAR.label]),
        {"sles_to_designate": "3", "schools_to_support": "8", "days_of_support": "40.5"},
    )
    assert response.status_code == 302
    page = client.get(_board(alliance)).content.decode()
    assert "8 schools to go" in page
    assert "40.5 days to go" in page
    assert "<svg" in page
    assert 'role="img"' in page
    # The shared chart (reports/includes/chart.html) with the board's title and legend.
    assert (
        '<title id="targets-chart-title">Progress against the board&#x27;s targets for '
        f"{YEAR.label}, as a percentage of each target</title>"
    ) in page
    assert ">Target</text>" in page
    assert ">Actual</text>" in page
    assert (
        client.get(reverse("boards:targets", args=[alliance.pk, "not-a-year"])).status_code == 404
    )


def test_an_overdue_action_needs_attention_on_the_coordinators_home_page(
    login: Login,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    late_action: ActionItem,
) -> None:
    """Rule "overdue actions": an action not done by its due date is on the home page of the
    organisation's coordinators and broker leads, with what to do, until it is done."""
    if late_action.due_on >= dt.date.today():
        late_action.due_on = dt.date.today() - dt.timedelta(days=3)
        late_action.save()
    url = reverse("boards:action_edit", args=[late_action.pk])
    for person in (coordinator, broker_lead):
        page = login(person).get(reverse("core:home")).content.decode()
        assert url in page
        assert "Board action overdue" in page
        assert "mark it done or agree a new date" in page
    services.action_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        item=late_action,
        action=late_action.action,
        owner=late_action.owner,
        due_on=late_action.due_on,
        status=ActionStatus.DONE,
        done_on=dt.date.today(),
    )
    assert url not in login(coordinator).get(reverse("core:home")).content.decode()


def test_the_board_page_keeps_to_its_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(10):
        services.board_member_save(
            actor=coordinator,
            organisation=alliance,
            name=f"Member {n}",
            role=BoardRole.MEMBER,
            started_on=YEAR.starts_on,
        )
        services.action_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            action=f"Action {n}",
            owner="Helen Head",
            due_on=YEAR.starts_on + dt.timedelta(days=n * 20),
        )
        services.budget_line_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR,
            heading=f"Heading {n}",
            planned=Decimal(100 * n),
            actual=Decimal(0),
        )
    services.targets_set(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        sles_to_designate=3,
        schools_to_support=8,
        days_of_support=Decimal("40"),
    )
    client = login(coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(_board(alliance)).status_code == 200


def test_an_action_and_a_budget_line_are_removed_and_the_timeline_keeps_them(
    login: Login, coordinator: User, alliance: Organisation, late_action: ActionItem
) -> None:
    from syslead.core.events import events_for

    line = services.budget_line_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        heading="Catering",
        planned=Decimal("80"),
        actual=Decimal("0"),
    )
    client = login(coordinator)
    assert client.get(reverse("boards:action_remove", args=[late_action.pk])).status_code == 405
    response = client.post(reverse("boards:action_remove", args=[late_action.pk]))
    assert response.status_code == 302
    response = client.post(reverse("boards:budget_remove", args=[line.pk]))
    assert response["Location"].endswith("#budget")
    assert not ActionItem.objects.exists()
    assert not BudgetLine.objects.exists()
    verbs = {e.verb for e in events_for(alliance)}
    assert {"board.action_removed", "board.budget_line_removed"} <= verbs


def test_the_admin_lists_the_board_read_only(
    login: Login, administrator: User, seat: BoardMember, late_action: ActionItem
) -> None:
    client = login(administrator)
    for name in ("boardmember", "yeartargets", "actionitem", "budgetline"):
        assert client.get(f"/admin/boards/{name}/").status_code == 200, name
    assert client.get("/admin/boards/actionitem/add/").status_code == 403


def test_the_board_pages_have_no_inline_script_or_event_handler() -> None:
    """A content security policy without 'unsafe-inline' is coming: nothing inline to break."""
    import re
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "templates"
    templates = list(folder.rglob("*.html"))
    assert len(templates) >= 7
    for template in templates:
        text = template.read_text()
        assert "<script" not in text, template
        assert not re.search(r"\son[a-z]+\s*=", text), template


def test_a_headteacher_on_the_board_finds_it_on_the_home_page_once(
    login: Login, home_head: User, alliance: Organisation, seat: BoardMember
) -> None:
    from syslead.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=home_head, role=Role.SIP, organisation=alliance)
    page = login(home_head).get(reverse("core:home")).content.decode()
    assert page.count(f"The board of {alliance.name}") == 1
    assert reverse("boards:board", args=[alliance.pk]) in page


def test_the_overdue_actions_cost_the_same_however_many(
    coordinator: User, alliance: Organisation, django_assert_max_num_queries: Any
) -> None:
    from syslead.boards.home import coordinator_board

    for n in range(8):
        services.action_save(
            actor=coordinator,
            organisation=alliance,
            year=YEAR.previous(),
            action=f"Late action {n}",
            owner="Helen Head",
            due_on=YEAR.previous().starts_on + dt.timedelta(days=n),
        )
    list(coordinator_board(coordinator))  # the person's roles, read once per request
    with django_assert_max_num_queries(1):
        assert len(list(coordinator_board(coordinator))) == 8
