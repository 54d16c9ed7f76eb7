"""The directory's downloads: exactly the page's search, every row, safe to open, and only to
the people who may read the directory."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import make_school
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.export_helpers import column, queries_for, read_csv, read_xlsx
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import associate, designate, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]

HOSTILE_NAMES = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]


def _sle(
    organisation: Organisation, school: School, name: str, specialism: str = "maths"
) -> LeaderProfile:
    leader = make_leader(school=school, name=name, specialisms=(specialism,))
    designate(leader, "SLE", organisation)
    associate(leader, organisation)
    release(leader, AcademicYear.current().label, "10")
    return leader


@pytest.fixture
def leaders(alliance: Organisation, home_school: School, other_org: Organisation) -> None:
    """The alliance's maths and English SLEs, and another organisation's maths SLE."""
    _sle(alliance, home_school, "Sam Maths")
    _sle(alliance, home_school, "Mia Maths")
    _sle(alliance, home_school, "Erin English", "english")
    _sle(other_org, make_school(130001, "Other Academy"), "Olga Elsewhere")


def _page_names(client: Client, query: str) -> list[str]:
    return [row.name for row in client.get(f"/leaders/?{query}").context["page"].object_list]


@pytest.mark.usefixtures("leaders")
def test_the_download_lists_exactly_the_leaders_the_filtered_page_lists(
    login: Login, coordinator: User
) -> None:
    client = login(coordinator)
    page = _page_names(client, "specialism=maths")
    assert page == ["Mia Maths", "Sam Maths"]
    assert column(read_csv(client.get("/leaders/export.csv?specialism=maths")), "Name") == page
    assert column(read_xlsx(client.get("/leaders/export.xlsx?specialism=maths")), "Name") == page


@pytest.mark.usefixtures("leaders")
def test_the_download_holds_every_page_of_results(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    for n in range(30):
        _sle(alliance, home_school, f"Extra {n:02d}")
    client = login(coordinator)
    assert len(client.get("/leaders/?page=1").context["page"].object_list) == 25
    rows = read_csv(client.get("/leaders/export.csv?page=1"))
    assert len(rows) == 1 + 33


@pytest.mark.usefixtures("leaders")
def test_another_organisations_leaders_never_appear(login: Login, coordinator: User) -> None:
    names = column(read_csv(login(coordinator).get("/leaders/export.csv")), "Name")
    assert "Olga Elsewhere" not in names
    assert sorted(names) == ["Erin English", "Mia Maths", "Sam Maths"]


@pytest.mark.usefixtures("leaders")
def test_the_other_coordinator_downloads_only_their_own(
    login: Login, other_coordinator: User
) -> None:
    names = column(read_csv(login(other_coordinator).get("/leaders/export.csv")), "Name")
    assert names == ["Olga Elsewhere"]


def test_leader_names_that_look_like_formulas_are_neutralised_and_days_stay_numbers(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    for name in HOSTILE_NAMES:
        _sle(alliance, home_school, name)
    client = login(coordinator)
    csv_rows = read_csv(client.get("/leaders/export.csv"))
    assert sorted(column(csv_rows, "Name")) == sorted("'" + n for n in HOSTILE_NAMES)
    assert set(column(csv_rows, "Days remaining")) == {"10"}
    xlsx_rows = read_xlsx(client.get("/leaders/export.xlsx"))
    assert sorted(column(xlsx_rows, "Name")) == sorted("'" + n for n in HOSTILE_NAMES)
    assert set(column(xlsx_rows, "Days remaining")) == {10}
    assert set(column(xlsx_rows, "Home school URN")) == {home_school.urn}


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/leaders/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("person", ["stranger", "leader_user", "client_head"])
def test_people_who_may_not_read_the_directory_are_refused(
    request: pytest.FixtureRequest, login: Login, person: str
) -> None:
    client = login(request.getfixturevalue(person))
    assert client.get("/leaders/").status_code == 403
    assert client.get("/leaders/export.csv").status_code == 403
    assert client.get("/leaders/export.xlsx").status_code == 403


def test_a_search_the_page_refuses_goes_back_to_the_page(login: Login, coordinator: User) -> None:
    response = login(coordinator).get("/leaders/export.csv?near=nowhere+at+all")
    assert response.status_code == 302
    assert response["Location"] == "/leaders/?near=nowhere+at+all"


def test_an_unknown_format_is_not_found(login: Login, coordinator: User) -> None:
    assert login(coordinator).get("/leaders/export.pdf").status_code == 404


def test_the_page_links_to_both_downloads_with_its_filters(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    _sle(alliance, home_school, "Sam Maths")
    body = login(coordinator).get("/leaders/?specialism=maths&page=1").content.decode()
    assert 'href="/leaders/export.csv?specialism=maths"' in body
    assert 'href="/leaders/export.xlsx?specialism=maths"' in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_costs_the_same_queries_for_three_leaders_or_thirty(
    login: Login, coordinator: User, alliance: Organisation, home_school: School, fmt: str
) -> None:
    client = login(coordinator)
    for n in range(3):
        _sle(alliance, home_school, f"First {n}")
    queries_for(client, f"/leaders/export.{fmt}")  # the session and cached lists warmed
    few = queries_for(client, f"/leaders/export.{fmt}")
    for n in range(27):
        _sle(alliance, home_school, f"More {n}")
    assert queries_for(client, f"/leaders/export.{fmt}") == few
