"""The downloads of a deployment's notes of visit and of its deployment record: what the pages
list (the record for the term chosen), safe to open, only to those who may see the agreement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.tests.export_helpers import column, queries_for, read_csv, read_xlsx
from syslead.deployments.models import Deployment
from syslead.visits.models import ActionOwner, LogActivity, LogEntry, Visit, VisitStatus
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]

HOSTILE = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]
AUTUMN = "2025-26-autumn"


def _visits(deployment: Deployment) -> list[Visit]:
    return [
        make_visit(
            deployment,
            date=dt.date(2025, 10, 6),
            status=VisitStatus.AGREED,
            actions=((ActionOwner.SCHOOL, "Share the policy", dt.date(2025, 10, 20)),),
        ),
        make_visit(deployment, date=dt.date(2025, 11, 3), session="half_day"),
        make_visit(deployment, date=dt.date(2026, 1, 12)),  # spring term
    ]


def _log_entry(deployment: Deployment, on: dt.date, actions: str) -> LogEntry:
    return LogEntry.objects.create(
        deployment=deployment,
        date=on,
        hours=Decimal("1.5"),
        activity=LogActivity.PREPARATION,
        actions=actions,
    )


def test_the_notes_of_visit_download_lists_what_the_delivery_page_lists(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    _visits(deployment)
    client = login(coordinator)
    url = f"/deployments/{deployment.pk}"
    page = [v.date for v in client.get(f"{url}/delivery/").context["visits"]]
    csv_rows = read_csv(client.get(f"{url}/delivery/export.csv"))
    assert column(csv_rows, "Date") == [d.isoformat() for d in page]
    assert column(csv_rows, "Status") == ["Waiting to be agreed", "Waiting to be agreed", "Agreed"]
    assert column(csv_rows, "Action points")[-1] == "School: Share the policy (by 2025-10-20)"
    xlsx_rows = read_xlsx(client.get(f"{url}/delivery/export.xlsx"))
    assert [v.date() for v in column(xlsx_rows, "Date")] == page
    assert column(xlsx_rows, "Hours") == [6, 2.5, 6]


def test_the_record_download_is_the_term_the_page_shows(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    _visits(deployment)
    _log_entry(deployment, dt.date(2025, 10, 7), "Planned the book scrutiny")
    _log_entry(deployment, dt.date(2026, 1, 13), "Spring planning")
    client = login(leader_user)
    url = f"/deployments/{deployment.pk}/log"
    page = client.get(f"{url}/?term={AUTUMN}").context["log"].rows
    csv_rows = read_csv(client.get(f"{url}/export.csv?term={AUTUMN}"))
    assert column(csv_rows, "Date") == [r.date.isoformat() for r in page]
    assert column(csv_rows, "Activity") == [r.kind for r in page]
    assert "Spring planning" not in str(csv_rows)
    assert len(page) == 3
    xlsx_rows = read_xlsx(client.get(f"{url}/export.xlsx?term={AUTUMN}"))
    assert column(xlsx_rows, "Time (hours)") == [6, 1.5, 2.5]


def test_text_that_looks_like_a_formula_is_neutralised_and_hours_stay_numbers(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    for n, text in enumerate(HOSTILE):
        _log_entry(deployment, dt.date(2025, 10, 6 + n), text)
    client = login(coordinator)
    url = f"/deployments/{deployment.pk}/log/export"
    expected = ["'" + t for t in HOSTILE]
    assert column(read_csv(client.get(f"{url}.csv?term={AUTUMN}")), "Actions") == expected
    xlsx_rows = read_xlsx(client.get(f"{url}.xlsx?term={AUTUMN}"))
    assert column(xlsx_rows, "Actions") == expected
    assert column(xlsx_rows, "Time (hours)") == [1.5] * 4


@pytest.mark.parametrize("who", ["coordinator", "leader_user", "client_head", "home_head"])
@pytest.mark.parametrize("path", ["delivery/export.csv", "log/export.xlsx"])
def test_the_agreements_people_download_its_records(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str, path: str
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(f"/deployments/{deployment.pk}/{path}").status_code == 200


@pytest.mark.parametrize("who", ["other_coordinator", "stranger", "other_head"])
@pytest.mark.parametrize("path", ["delivery/export.csv", "log/export.xlsx"])
def test_people_outside_the_agreement_get_not_found_as_on_the_pages(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str, path: str
) -> None:
    client = login(request.getfixturevalue(who))
    page = path.split("/", maxsplit=1)[0]
    assert client.get(f"/deployments/{deployment.pk}/{page}/").status_code == 404
    assert client.get(f"/deployments/{deployment.pk}/{path}").status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Client, deployment: Deployment) -> None:
    for path in ("delivery/export.csv", "log/export.csv"):
        response = client.get(f"/deployments/{deployment.pk}/{path}")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_pages_link_to_their_downloads(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    _visits(deployment)
    client = login(coordinator)
    url = f"/deployments/{deployment.pk}"
    assert f'href="{url}/delivery/export.csv"' in client.get(f"{url}/delivery/").content.decode()
    log = client.get(f"{url}/log/?term={AUTUMN}").content.decode()
    assert f'href="{url}/log/export.xlsx?term={AUTUMN}"' in log


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_notes_download_costs_the_same_queries_for_three_notes_or_thirty(
    login: Login, coordinator: User, deployment: Deployment, fmt: str
) -> None:
    def add(n: int) -> None:
        for day in range(n):
            make_visit(
                deployment,
                date=dt.date(2025, 9, 8) + dt.timedelta(days=day),
                actions=((ActionOwner.LEADER, "Follow up", dt.date(2025, 12, 1)),),
            )

    client = login(coordinator)
    url = f"/deployments/{deployment.pk}/delivery/export.{fmt}"
    add(3)
    queries_for(client, url)
    few = queries_for(client, url)
    add(27)
    assert queries_for(client, url) == few
