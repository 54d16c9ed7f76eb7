"""The KPI download: the organisation and year the page shows, each of its tables a worksheet
(a section in CSV), figures as numbers, refused as the page refuses."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.export_helpers import body, read_csv, read_workbook
from syslead.deployments.models import Deployment, FundingRoute
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.tests.test_kpis import deploy, sle_maker  # noqa: F401  (fixtures)

Login = Callable[[User], Client]
YEAR = AcademicYear.current()
HOSTILE = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]


@pytest.fixture
def figures(
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
) -> LeaderProfile:
    """Two SLEs designated this year, one deployed within 3 months; one last year."""
    start = YEAR.starts_on + dt.timedelta(days=30)
    on_time = sle_maker(start)
    sle_maker(start)
    deploy(on_time, start + dt.timedelta(days=20), route=FundingRoute.LOCAL_AUTHORITY)
    return sle_maker(YEAR.previous().starts_on + dt.timedelta(days=5))


def _table(workbook_sheet: object) -> list[list[object]]:
    return [list(r) for r in workbook_sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("figures")
def test_the_workbook_holds_each_table_of_the_page_with_numbers_as_numbers(
    login: Login, coordinator: User
) -> None:
    client = login(coordinator)
    page = client.get("/reports/kpis/").context
    workbook = read_workbook(client.get("/reports/kpis/export.xlsx"))
    assert workbook.sheetnames == [
        "KPIs",
        "SLEs designated",
        "By commissioner",
        "By area",
        "Evaluation outcomes",
        "Impact",
        "Impact by year",
    ]
    measures = dict(_table(workbook["KPIs"])[1:])
    assert measures["SLEs designated"] == page["kpis"].sles_designated == 2
    assert measures["SLEs deployed within 3 months (%)"] == 50
    assert measures["Target met"] == "Yes"
    assert measures["Total cost (£)"] == 850
    assert len(_table(workbook["SLEs designated"])) - 1 == len(page["kpis"].sles)
    route = workbook["By commissioner"]
    assert [c.value for c in route[2]] == ["The local authority", 1, 2.5, 850]
    assert route["D2"].number_format == "#,##0.00"
    outcomes = _table(workbook["Evaluation outcomes"])
    assert len(outcomes) - 1 == len(page["outcomes"])


@pytest.mark.usefixtures("figures")
def test_the_csv_has_a_section_per_table_and_follows_the_chosen_year(
    login: Login, coordinator: User
) -> None:
    client = login(coordinator)
    rows = read_csv(client.get(f"/reports/kpis/export.csv?academic_year={YEAR.previous().label}"))
    titles = [r[0] for r, after in itertools.pairwise(rows) if len(r) == 1 and after]
    assert titles == [
        "KPIs",
        "SLEs designated",
        "By commissioner",
        "By area",
        "Evaluation outcomes",
        "Impact",
        "Impact by year",
    ]
    assert ["SLEs designated", "1"] in rows
    assert ["Total cost (£)", "0.00"] in rows


def test_leader_names_that_look_like_formulas_are_neutralised(
    login: Login,
    coordinator: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
) -> None:
    for name in HOSTILE:
        leader = sle_maker(YEAR.starts_on + dt.timedelta(days=3))
        leader.user.name = name
        leader.user.save(update_fields=["name"])
    client = login(coordinator)
    expected = sorted("'" + n for n in HOSTILE)
    sheet = _table(read_workbook(client.get("/reports/kpis/export.xlsx"))["SLEs designated"])
    assert sorted(str(r[0]) for r in sheet[1:]) == expected
    csv_text = body(client.get("/reports/kpis/export.csv")).decode()
    for name in HOSTILE:
        assert f"\n{name}" not in csv_text.replace('"', "")


def test_the_kpi_download_is_refused_as_the_page_is(
    login: Login,
    client: Client,
    stranger: User,
    leader_user: User,
    client_head: User,
    other_coordinator: User,
    broker_lead: User,
    alliance: Organisation,
) -> None:
    url = "/reports/kpis/export.xlsx"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    for person in (stranger, leader_user, client_head):
        assert login(person).get(url).status_code == 403
    assert login(other_coordinator).get(f"{url}?organisation={alliance.pk}").status_code == 404
    assert login(broker_lead).get(url).status_code == 200


def test_a_year_the_page_refuses_goes_back_to_the_page(login: Login, coordinator: User) -> None:
    response = login(coordinator).get("/reports/kpis/export.csv?academic_year=1990-91")
    assert response.status_code == 302
    assert response["Location"] == "/reports/kpis/?academic_year=1990-91"


def test_the_page_links_to_its_downloads_with_its_choice(login: Login, coordinator: User) -> None:
    query = f"academic_year={YEAR.previous().label}"
    page = login(coordinator).get(f"/reports/kpis/?{query}").content.decode()
    assert f'href="/reports/kpis/export.csv?{query}"' in page
    assert f'href="/reports/kpis/export.xlsx?{query}"' in page
