"""Every list page and report costs the same number of queries whatever the rows (Syslead issue 16,
item 6; docs/operations.md, "Performance"): the directory, requests, agreements, an agreement's
notes of visit and invoices, the KPIs, unmet demand and impact, for a coordinator and for an
administrator, measured over a small history and again over three times as much.

The history is ``benchmarks.national.build_history``, the generator the national benchmark
(``benchmarks/pages.py``) times at 100,000 agreements, here at a few dozen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.national import build_history
from conftest import make_school
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.web_selectors import caseload
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.selectors import deployments_for_user
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]

LISTS = [
    "/leaders/",
    "/requests/",
    "/deployments/",
    "/reports/kpis/?organisation={org}",
    "/requests/unmet-demand/?organisation={org}",
    "/reports/impact/?organisation={org}",
]
PER_AGREEMENT = ["/deployments/{agreement}/delivery/", "/deployments/{agreement}/invoices/"]


@pytest.fixture
def schools(db: None) -> list[School]:
    return [
        make_school(140000 + n, f"History School {n}", local_authority=la)
        for n, la in enumerate(["Lincolnshire", "Rutland", "Leicestershire"] * 2)
    ]


def grow(
    alliance: Organisation, schools: list[School], *, leaders: int, agreements: int, visits: int
) -> Deployment:
    """``leaders`` more designated leaders of the alliance and ``agreements`` more agreements over
    three years, each with ``visits`` notes of visit; returns the newest completed one."""
    for n in range(leaders):
        leader = make_leader(school=schools[n % len(schools)])
        associate(leader, alliance)
        designate(leader, "SLE")
    build_history(
        agreements=agreements,
        organisation_ids=[alliance.pk],
        visits_per_agreement=visits,
        years=3,
        seed=agreements,
    )
    newest = Deployment.objects.filter(status=DeploymentStatus.COMPLETED).order_by("-pk").first()
    assert newest is not None
    return newest


def counts(client: Client, urls: list[str], **values: int) -> dict[str, int]:
    """Queries of each page, after one visit to warm the caches both measures share."""
    found = {}
    for url in urls:
        client.get(url.format(**values))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(**values))
        assert response.status_code == 200, url
        found[url] = len(queries)
    return found


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_list_pages_and_reports_cost_the_same_queries_for_three_times_the_rows(
    who: str,
    request: pytest.FixtureRequest,
    login: Login,
    alliance: Organisation,
    schools: list[School],
) -> None:
    """Issue 16 item 6: a page's query count does not grow with rows (no N+1)."""
    client = login(request.getfixturevalue(who))
    first = grow(alliance, schools, leaders=4, agreements=12, visits=2)
    small = counts(client, LISTS, org=alliance.pk)
    small_agreement = counts(client, PER_AGREEMENT, agreement=first.pk)
    second = grow(alliance, schools, leaders=8, agreements=24, visits=6)
    assert Deployment.objects.count() == 36
    assert second.visits.count() == 6 > first.visits.count()
    large = counts(client, LISTS, org=alliance.pk)
    large_agreement = counts(client, PER_AGREEMENT, agreement=second.pk)
    assert large == small
    assert large_agreement == small_agreement


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (SupportRequest, "request_newest_first"),
        (Deployment, "agreement_newest_first"),
    ],
)
def test_the_request_and_agreement_lists_are_read_in_the_order_of_an_index(
    model: type[Any], index: str, administrator: User
) -> None:
    """Issue 16 item 6: at 100,000 rows, sorting every request or agreement to show the newest 25
    took most of a second on PostgreSQL; the lists' order is an index, walked instead (measured by
    ``benchmarks/pages.py``). If a list's order changes, its index must change with it."""
    listed = (
        caseload(administrator) if model is SupportRequest else deployments_for_user(administrator)
    )
    (found,) = [i for i in model._meta.indexes if i.name == index]
    order = [f.replace("-pk", "-id") for f in listed.query.order_by]
    assert list(found.fields) == order
