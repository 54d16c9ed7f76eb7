"""The agreements download: exactly what the list shows with the same filters, every row, money
as numbers, safe to open, and only the agreements the person may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.core.tests.export_helpers import (
    column,
    queries_for,
    read_csv,
    read_workbook,
    read_xlsx,
)
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]

HOSTILE_NAMES = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]
_urns = iter(range(131000, 139999))


def add_agreement(
    support_request: SupportRequest,
    leader: LeaderProfile,
    *,
    school_name: str = "Supported School",
    organisation: Organisation | None = None,
    status: str = DeploymentStatus.ACTIVE,
) -> Deployment:
    """An agreement written straight to the table (the list only reads it)."""
    return Deployment.objects.create(
        organisation=organisation or support_request.organisation,
        support_request=support_request,
        leader=leader,
        client_school=make_school(next(_urns), school_name),
        home_school=leader.home_school,
        status=status,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 4, 30),
        academic_year="2026-27",
        full_days=2,
        half_days=1,
        funding_route=FundingRoute.SCHOOL,
        total_cost=Decimal("850.00"),
    )


def _other_leader(leader: LeaderProfile, name: str) -> LeaderProfile:
    user = make_user(
        f"{name.lower().replace(' ', '.')}@schools.test", name, (Role.SYSTEM_LEADER, None)
    )
    return LeaderProfile.objects.create(user=user, home_school=leader.home_school)


def test_the_download_lists_exactly_the_agreements_the_filtered_list_shows(
    login: Login,
    coordinator: User,
    agreement: Deployment,
    support_request: SupportRequest,
    leader: LeaderProfile,
) -> None:
    mia = _other_leader(leader, "Mia Maths")
    add_agreement(support_request, mia)
    add_agreement(support_request, mia, status=DeploymentStatus.COMPLETED)
    client = login(coordinator)
    query = "leader=mia&status=active"
    page = [d.pk for d in client.get(f"/deployments/?{query}").context["page"].object_list]
    assert len(page) == 1
    csv_rows = read_csv(client.get(f"/deployments/export.csv?{query}"))
    assert [int(v) for v in column(csv_rows, "Agreement")] == page
    assert column(read_xlsx(client.get(f"/deployments/export.xlsx?{query}")), "Agreement") == page


def test_the_download_says_who_an_agreement_waits_for_and_its_cost_as_money(
    login: Login, coordinator: User, agreement: Deployment
) -> None:
    client = login(coordinator)
    csv_rows = read_csv(client.get("/deployments/export.csv"))
    assert column(csv_rows, "Status") == [agreement.get_status_display()]
    assert column(csv_rows, "Waiting for")[0].startswith("The system leader (Lee Leader)")
    assert column(csv_rows, "Total cost (£)") == [f"{agreement.total_cost:.2f}"]
    assert column(csv_rows, "Starts") == ["2027-01-04"]
    sheet = read_workbook(client.get("/deployments/export.xlsx")).worksheets[0]
    header = [c.value for c in sheet[1]]
    cost = sheet.cell(row=2, column=header.index("Total cost (£)") + 1)
    assert cost.data_type == "n"
    assert cost.value == agreement.total_cost
    assert cost.number_format == "#,##0.00"
    starts = sheet.cell(row=2, column=header.index("Starts") + 1)
    assert starts.is_date
    assert starts.value.date() == dt.date(2027, 1, 4)


def test_another_organisations_agreements_never_appear(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    agreement: Deployment,
    support_request: SupportRequest,
    leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    theirs = add_agreement(support_request, leader, organisation=other_org)
    ours = [
        int(v)
        for v in column(read_csv(login(coordinator).get("/deployments/export.csv")), "Agreement")
    ]
    assert ours == [agreement.pk]
    others = read_csv(login(other_coordinator).get("/deployments/export.csv"))
    assert [int(v) for v in column(others, "Agreement")] == [theirs.pk]


def test_a_stranger_downloads_an_empty_list_as_the_page_shows_none(
    login: Login, stranger: User, agreement: Deployment
) -> None:
    assert read_csv(login(stranger).get("/deployments/export.csv"))[1:] == []


def test_school_names_that_look_like_formulas_are_neutralised(
    login: Login, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    for name in HOSTILE_NAMES:
        add_agreement(support_request, leader, school_name=name)
    client = login(coordinator)
    expected = sorted("'" + n for n in HOSTILE_NAMES)
    assert sorted(column(read_csv(client.get("/deployments/export.csv")), "Supported school")) == (
        expected
    )
    xlsx_rows = read_xlsx(client.get("/deployments/export.xlsx"))
    assert sorted(column(xlsx_rows, "Supported school")) == expected
    assert set(column(xlsx_rows, "Days")) == {Decimal("2.5")}


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/deployments/export.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_links_to_its_downloads_with_its_filters(
    login: Login, coordinator: User, agreement: Deployment
) -> None:
    body = login(coordinator).get("/deployments/?leader=lee").content.decode()
    assert 'href="/deployments/export.csv?leader=lee"' in body
    assert 'href="/deployments/export.xlsx?leader=lee"' in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_costs_the_same_queries_for_three_agreements_or_thirty(
    login: Login,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    fmt: str,
) -> None:
    client = login(coordinator)
    for _ in range(3):
        add_agreement(support_request, leader, status=DeploymentStatus.AWAITING_SIGNATURES)
    queries_for(client, f"/deployments/export.{fmt}")
    few = queries_for(client, f"/deployments/export.{fmt}")
    for _ in range(27):
        add_agreement(support_request, leader, status=DeploymentStatus.AWAITING_SIGNATURES)
    assert queries_for(client, f"/deployments/export.{fmt}") == few
