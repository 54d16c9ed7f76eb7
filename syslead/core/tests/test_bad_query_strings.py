"""Bad input on the web pages is never a 500: out-of-range academic years, huge or negative
numbers and ids in query strings and paths, over-long values and oversize POST bodies give a
clear page (a form error, 404 or 413), on every page of the URL conf."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import TEST_SETTINGS, make_school, make_user
from syslead.accounts.models import Role
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, make_request
from syslead.operations.models import Heartbeat
from syslead.operations.tasks import WORKER
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import OfstedRating

#: Coverage is not measured here (pytest-cov pauses it): these tests ask every page and operation
#: for its status, thousands of requests that coverage tracing would make twice as slow, and the
#: lines they reach are each covered by the tests of their own area.
pytestmark = pytest.mark.no_cover

HUGE = "9223372036854775808"
QUERIES = [
    # Out-of-range years and terms, everywhere a page reads one.
    "year=0000-01&academic_year=9999-00&term=9999-00-autumn&since=0001-01-01",
    # Numbers and ids beyond any range.
    f"page={HUGE}&limit=1e30&organisation={HUGE}&leader={HUGE}&school={HUGE}&urn={HUGE}"
    f"&request={HUGE}&visit={HUGE}&for_school={HUGE}&days=1e30",
    # Garbage and negatives.
    "page=-1&limit=-5&organisation=x&leader=%00&school=-1&urn=&year=2025-27&status=" + "x" * 3000,
]


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _pages() -> list[str]:
    """Every page of the site (not the API or the admin), its path's ids filled with 1 (the first
    record of each kind) and its other path values with an out-of-range year or term."""
    pages = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "^")):
            continue
        path = re.sub(r"<int:\w+>", "1", route)
        path = re.sub(r"<(?:str:|slug:)?(\w*(?:year|term)\w*)>", "9999-00", path)
        path = re.sub(r"<(?:str:|slug:|uuid:|path:)?\w+>", "x", path)
        pages.append("/" + path)
    return sorted(set(pages))


PAGES = _pages()


@pytest.fixture(scope="module")
def casework(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A leader, a request and an agreement, so that pages with ids find a record; made once for
    the module inside a transaction rolled back at its end. The people and places are the root
    conftest's personas, made in the order the per-test fixtures made them (so the first record of
    each kind is the same). Yields the signed-in coordinator's session key; each test (``db``) runs
    in a savepoint rolled back after it, so every test starts from these records."""
    with (
        django_db_blocker.unblock(),
        override_settings(**TEST_SETTINGS),
        transaction.atomic(),
    ):
        alliance = Organisation.objects.create(
            name="KYRA Teaching School Alliance",
            kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
            slug="kyra",
        )
        coordinator = make_user(
            "alice@kyra.test", "Alice Coordinator", (Role.COORDINATOR, alliance)
        )
        home_school = make_school(
            120002,
            "Mount Street Academy",
            postcode="LN1 3JG",
            latitude=53.2412,
            longitude=-0.5466,
            ofsted_rating=OfstedRating.OUTSTANDING,
        )
        leader_user = make_user("lee@mountstreet.test", "Lee Leader", (Role.SYSTEM_LEADER, None))
        client_school = make_school(
            120001,
            "Ermine Primary Academy",
            postcode="LN2 2HG",
            latitude=53.2467,
            longitude=-0.5284,
        )
        make_user("cara@ermine.test", "Cara Client-Head", (Role.HEADTEACHER, client_school))
        make_user("hal@mountstreet.test", "Hal Home-Head", (Role.HEADTEACHER, home_school))
        make_user("bea@kyra.test", "Bea Broker-Lead", (Role.BROKER_LEAD, alliance))
        leader = make_leader(leader_user, home_school, alliance)
        request = make_request(alliance, client_school, chosen_leader=leader)
        deployment_create(
            actor=coordinator, support_request=request, leader=leader, **agreement_kwargs()
        )
        Heartbeat.objects.create(name=WORKER, seen_at=timezone.now())  # see _as_coordinator
        signing_in = Client()
        signing_in.force_login(coordinator)
        yield signing_in.cookies[settings.SESSION_COOKIE_NAME].value
        transaction.set_rollback(True)


@functools.cache
def _client() -> Client:
    """One test client for the module: a new one loads the middleware again."""
    return Client(raise_request_exception=False)


def _as_coordinator(session_key: str) -> Client:
    """The client as the signed-in coordinator, starting from the session alone and an empty
    cache (what the requests write is rolled back with the test's savepoint)."""
    # A worker has just run a task: the readiness probe's 503 would report the missing worker
    # (the module's records are older than the probe allows), not the query string sent it.
    Heartbeat.objects.filter(name=WORKER).update(seen_at=timezone.now())
    client = _client()
    client.cookies = SimpleCookie()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    cache.clear()
    return client


def test_the_pages_are_found() -> None:
    assert len(PAGES) > 100
    assert "/leaders/1/release/" in PAGES


def test_an_oversize_form_post_is_a_clear_413_page(casework: str, db: None) -> None:
    client = _as_coordinator(casework)
    body = "summary=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post(
        "/requests/new/local-authority/",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert b"too large" in response.content
    assert b"Nothing was saved" in response.content
    assert b"2.5 MB" in response.content


FIELD_NAME = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)
BAD_VALUES = {
    "huge numbers": HUGE,
    "1e30": "1e30",
    "out-of-range years and dates": "9999-00",
    "far dates": "9999-12-31",
}


@pytest.mark.parametrize("page", PAGES)
def test_bad_query_strings_and_form_values_never_give_a_server_error(
    casework: str, db: None, page: str
) -> None:
    """The page with bad query strings; then each form it shows, posted back with every field
    holding a huge number, 1e30, an out-of-range year or a far date: a page, a form error, a 4xx
    or a redirect, never a 500."""
    client = _as_coordinator(casework)
    for query in QUERIES:
        response = client.get(f"{page}?{query}")
        assert response.status_code < 500, f"{page}?{query[:60]}: {response.status_code}"
    shown = client.get(page)
    if shown.status_code != 200 or b"<form" not in shown.content:
        return
    names = set(FIELD_NAME.findall(shown.content.decode())) - {"csrfmiddlewaretoken"}
    if not names:
        return
    for kind, value in BAD_VALUES.items():
        response = client.post(page, dict.fromkeys(names, value))
        assert response.status_code < 500, f"{page} with {kind}: {response.status_code}"
