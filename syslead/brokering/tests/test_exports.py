"""The downloads of the requests list and of unmet demand: exactly what the pages list with the
same filters, every row, safe to open, only to the people who read the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus, SupportRequest
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.export_helpers import column, queries_for, read_csv, read_xlsx
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]

HOSTILE_NAMES = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]


@pytest.fixture
def requests(
    alliance: Organisation, other_org: Organisation, client_school: School
) -> dict[str, SupportRequest]:
    """Two open requests and a matched one to the alliance; one open to another organisation."""
    return {
        "ermine": factories.support_request(client_school, alliance, days="5"),
        "open": factories.support_request(factories.school("Open Primary"), alliance, days="2.5"),
        "matched": factories.support_request(
            factories.school("Matched Primary"), alliance, status=RequestStatus.MATCHED
        ),
        "elsewhere": factories.support_request(factories.school("Elsewhere Primary"), other_org),
    }


def _page_ids(client: Client, query: str) -> list[int]:
    return [r.pk for r in client.get(f"/requests/?{query}").context["page"].object_list]


def test_the_requests_download_lists_exactly_the_filtered_page(
    login: Login, coordinator: User, requests: dict[str, SupportRequest]
) -> None:
    client = login(coordinator)
    page = _page_ids(client, "status=open")
    assert sorted(page) == sorted([requests["ermine"].pk, requests["open"].pk])
    csv_rows = read_csv(client.get("/requests/export.csv?status=open"))
    assert [int(v) for v in column(csv_rows, "Request")] == page
    assert column(read_xlsx(client.get("/requests/export.xlsx?status=open")), "Request") == page
    assert column(csv_rows, "Days") == ["2.5", "5"]
    assert column(csv_rows, "Status") == ["Open", "Open"]


def test_the_requests_download_never_holds_another_organisations_requests(
    login: Login, coordinator: User, requests: dict[str, SupportRequest]
) -> None:
    ids = [
        int(v) for v in column(read_csv(login(coordinator).get("/requests/export.csv")), "Request")
    ]
    assert requests["elsewhere"].pk not in ids
    assert len(ids) == 3


def test_a_headteacher_downloads_their_own_schools_requests_only(
    login: Login, client_head: User, requests: dict[str, SupportRequest]
) -> None:
    rows = read_csv(login(client_head).get("/requests/export.csv"))
    assert [int(v) for v in column(rows, "Request")] == [requests["ermine"].pk]


def test_school_names_that_look_like_formulas_are_neutralised(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    for name in HOSTILE_NAMES:
        factories.support_request(factories.school(name), alliance, days="3")
    client = login(coordinator)
    csv_rows = read_csv(client.get("/requests/export.csv"))
    assert sorted(column(csv_rows, "School")) == sorted("'" + n for n in HOSTILE_NAMES)
    xlsx_rows = read_xlsx(client.get("/requests/export.xlsx"))
    assert sorted(column(xlsx_rows, "School")) == sorted("'" + n for n in HOSTILE_NAMES)
    assert set(column(xlsx_rows, "Days")) == {3}
    assert all(isinstance(v, int) for v in column(xlsx_rows, "School URN"))


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in ("/requests/export.csv", "/requests/unmet-demand/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_stranger_is_refused_the_requests_download(login: Login, stranger: User) -> None:
    assert login(stranger).get("/requests/export.csv").status_code == 403


def test_a_filter_the_page_refuses_goes_back_to_the_page(login: Login, coordinator: User) -> None:
    response = login(coordinator).get("/requests/export.csv?status=nonsense")
    assert response.status_code == 302
    assert response["Location"] == "/requests/?status=nonsense"


def test_the_requests_page_links_to_its_downloads_with_its_filters(
    login: Login, coordinator: User, requests: dict[str, SupportRequest]
) -> None:
    body = login(coordinator).get("/requests/?status=open&page=1").content.decode()
    assert 'href="/requests/export.csv?status=open"' in body
    assert 'href="/requests/export.xlsx?status=open"' in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_requests_download_costs_the_same_queries_for_three_rows_or_thirty(
    login: Login, coordinator: User, alliance: Organisation, lee: LeaderProfile, fmt: str
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            factories.support_request(
                factories.school("A Primary"),
                alliance,
                status=RequestStatus.MATCHED,
                chosen_leader=lee,
            )

    client = login(coordinator)
    add(3)
    queries_for(client, f"/requests/export.{fmt}")
    few = queries_for(client, f"/requests/export.{fmt}")
    add(27)
    assert queries_for(client, f"/requests/export.{fmt}") == few


# --- Unmet demand ---------------------------------------------------------------------------------


@pytest.fixture
def demand(alliance: Organisation, client_school: School, lee: LeaderProfile) -> None:
    """Science wanted this year (12 days over two requests); English last year."""
    factories.support_request(client_school, alliance, needs=("science",), days="8")
    factories.support_request(
        factories.school("Waiting Primary"),
        alliance,
        needs=("science",),
        days="4",
        status=RequestStatus.WAITING_LIST,
    )
    factories.support_request(
        client_school,
        alliance,
        needs=("english",),
        days="3",
        academic_year=AcademicYear.current().previous().label,
    )


@pytest.mark.usefixtures("demand")
@pytest.mark.parametrize("last_year", [False, True])
def test_the_unmet_demand_download_is_the_pages_table_for_the_chosen_year(
    login: Login, coordinator: User, last_year: bool
) -> None:
    query = f"academic_year={AcademicYear.current().previous().label}" if last_year else ""
    client = login(coordinator)
    page = client.get(f"/requests/unmet-demand/?{query}").context["rows"]
    csv_rows = read_csv(client.get(f"/requests/unmet-demand/export.csv?{query}"))
    assert column(csv_rows, "Area") == [r.area for r in page]
    assert column(csv_rows, "Days asked") == [str(int(r.days)) for r in page]
    xlsx_rows = read_xlsx(client.get(f"/requests/unmet-demand/export.xlsx?{query}"))
    assert column(xlsx_rows, "Requests") == [r.requests for r in page]
    assert column(xlsx_rows, "Specialism") == (["English"] if last_year else ["Science"])


@pytest.mark.usefixtures("demand")
def test_unmet_demand_download_is_for_the_organisations_coordinators_and_broker_leads(
    login: Login,
    broker_lead: User,
    sip: User,
    client_head: User,
    other_coordinator: User,
    alliance: Organisation,
) -> None:
    url = "/requests/unmet-demand/export.csv"
    assert login(broker_lead).get(url).status_code == 200
    assert login(sip).get(url).status_code == 403
    assert login(client_head).get(url).status_code == 403
    assert login(other_coordinator).get(f"{url}?organisation={alliance.pk}").status_code == 404
    # Their own organisation's demand: none of the alliance's rows.
    assert read_csv(login(other_coordinator).get(url))[1:] == []
