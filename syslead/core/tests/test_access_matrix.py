"""The access matrix: every web URL pattern and every API operation, asked by every role, with the
status each must answer (the table is in ``access_matrix.py``; how to read and extend it is in
docs/access-matrix.md).

The world (``access_world.py``) is built once for the module, inside a transaction rolled back at
the end; every cell runs in its own savepoint, rolled back after the request, so a write that
succeeds changes nothing for the next cell."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http.cookies import SimpleCookie
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from syslead.api.main import api
from syslead.core.tests import access_matrix as matrix
from syslead.core.tests.access_world import World, build_world

# --- What the URL conf and the OpenAPI document hold ------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """A web URL pattern: its name (``namespace:name``, or the route when unnamed) and route."""

    name: str
    route: str
    module: str  # the view's module: the API's operations are ninja's


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if entry.name and namespace else entry.name
            yield Pattern(name or route, route, getattr(entry.callback, "__module__", ""))


def web_patterns() -> list[Pattern]:
    """Every URL pattern but the API's operations (those are walked from the OpenAPI document;
    the API's root, documents and unknown paths are patterns here)."""
    return [p for p in _walk(get_resolver().url_patterns) if p.module != "ninja.operation"]


@functools.cache
def _api_operations() -> tuple[str, ...]:
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            found.append(f"{method.upper()} {path.removeprefix('/api/v1')}")
    return tuple(found)


def api_operations() -> list[str]:
    """``METHOD /path`` of every operation in the OpenAPI document, without the base path (the
    document is built once a process: it takes most of a second, and two test files ask)."""
    return list(_api_operations())


# --- The cases: each row of the table matched to what it covers -------------------------------


@dataclass(frozen=True)
class Case:
    key: str  # the table's row key, e.g. "GET leaders:detail @own"
    method: str
    target: str  # a Pattern name or an API operation path
    route: str  # the web route (empty for the API)
    variant: str
    expected: tuple[str, ...]


def _row_for(method: str, name: str, variant: str, rows: dict[str, tuple[str, ...]]) -> str | None:
    exact = matrix.row_key(method, name, variant)
    if exact in rows:
        return exact
    for key in rows:
        if "*" in key and not variant and fnmatchcase(exact, key):
            return key
    return None


def web_cases() -> list[Case]:
    rows = matrix.web_rows()
    cases = []
    for pattern in web_patterns():
        for method in ("GET", "POST"):
            for variant in matrix.VARIANTS:
                key = _row_for(method, pattern.name, variant, rows)
                if key is not None:
                    cases.append(
                        Case(
                            matrix.row_key(method, pattern.name, variant),
                            method,
                            pattern.name,
                            pattern.route,
                            variant,
                            rows[key],
                        )
                    )
    return cases


def api_cases() -> list[Case]:
    rows = matrix.api_rows()
    cases = []
    for operation in api_operations():
        method, path = operation.split(" ", 1)
        for variant in matrix.VARIANTS:
            key = matrix.row_key(method, path, variant)
            if key in rows:
                cases.append(Case(key, method, path, "", variant, rows[key]))
    return cases


# --- The world, and asking it -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for the module inside a transaction rolled back at its end. Access
    is decided before a PDF is laid out, so WeasyPrint is not run (it takes seconds a PDF)."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    no_pdf = mock.patch("weasyprint.HTML.write_pdf", return_value=b"%PDF-1.4\n%%EOF\n")
    # The OpenAPI document is the same for every caller; building it takes most of a second.
    document = api.get_openapi_schema()
    same_document = mock.patch.object(api, "get_openapi_schema", return_value=document)
    # Documents are stored files: under a temporary MEDIA_ROOT, gone with the module.
    media = tempfile.TemporaryDirectory()
    media_root = override_settings(MEDIA_ROOT=media.name)
    with (
        media,
        media_root,
        django_db_blocker.unblock(),
        fast,
        no_pdf,
        same_document,
        transaction.atomic(),
    ):
        built = build_world()
        for role in matrix.ROLES:
            user = built.user(role)
            if user is not None:
                client = Client()
                client.force_login(user)
                built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


#: Coverage is not measured here (pytest-cov pauses it): these tests ask every page and operation
#: for its status, thousands of requests that coverage tracing would make twice as slow, and the
#: lines they reach are each covered by the tests of their own area.
pytestmark = pytest.mark.no_cover

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def web_path(case: Case, world: World) -> str:
    if case.target in matrix.SAMPLE_PATHS:
        side = world.own if case.variant.startswith("own") else world.other
        return matrix.SAMPLE_PATHS[case.target].format(**side.objects)

    def fill(match: re.Match[str]) -> str:
        return str(matrix.param_value(world, case.target, match["parameter"], case.variant))

    return "/" + _PARAM.sub(fill, case.route)


def api_path(case: Case, world: World) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(matrix.param_value(world, case.target, match[1], case.variant))

    path = "/api/v1" + re.sub(r"\{([^}]+)\}", fill, case.target)
    query = matrix.api_query(world, f"{case.method} {case.target}", case.variant)
    return f"{path}?{query}" if query else path


@functools.cache
def _client() -> Client:
    """One test client for every cell: a new one loads the middleware again (WhiteNoise scans
    the static files then), which would cost more than the request itself."""
    return Client(raise_request_exception=False)


def _ask(world: World, role: str, case: Case, path: str, api_call: bool) -> tuple[int, str]:
    """One cell: the request as ``role``, in a savepoint rolled back afterwards."""
    client = _client()
    client.cookies = SimpleCookie()  # each cell starts from the role's session, nothing else
    headers: dict[str, str] = {}
    if api_call:
        if role != "anon":
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    kwargs: dict[str, Any] = {"headers": headers}
    if api_call and case.method in ("POST", "PUT", "PATCH"):
        body = matrix.api_body(world, case.method + " " + case.target, case.variant)
        if isinstance(body, str):  # a file sent as the body (the leaders import)
            kwargs["data"] = body
            kwargs["content_type"] = "text/csv"
        else:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
    cache.clear()
    with transaction.atomic():
        response = getattr(client, case.method.lower())(path, **kwargs)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


def _check(world: World, case: Case, path: str, api_call: bool) -> None:
    problems = []
    observed = []
    for role, expected in zip(matrix.ROLES, case.expected, strict=True):
        if expected == "-":
            observed.append("-")
            continue
        status, location = _ask(world, role, case, path, api_call)
        observed.append(str(status))
        if str(status) != expected:
            problems.append(f"{role}: expected {expected}, got {status}")
        elif (
            role == "anon"
            and status == 302
            and "/login/" not in location
            and not case.target.endswith("logout")
        ):
            problems.append(f"anon: redirected to {location}, not to a sign-in page")
    if problems:
        pytest.fail(
            f"{case.key} ({case.method} {path}):\n  "
            + "\n  ".join(problems)
            + f"\n  observed row: {matrix.format_row(case.key, observed)}",
            pytrace=False,
        )


@pytest.mark.parametrize("case", web_cases(), ids=lambda case: case.key)
def test_web_access(case: Case, world: World, db: None) -> None:
    _check(world, case, web_path(case, world), api_call=False)


@pytest.mark.parametrize("case", api_cases(), ids=lambda case: case.key)
def test_api_access(case: Case, world: World, db: None) -> None:
    _check(world, case, api_path(case, world), api_call=True)


def chase_cases() -> list[Case]:
    """Every kind of chase: one URL pattern, a row per kind of record (``CHASES``)."""
    cases = []
    for key, expected in matrix.chase_rows().items():
        method, target, variant = matrix.split_key(key)
        kind = target.partition("/")[2]
        route = f"casework/chase/{kind}/<int:target_id>/"
        cases.append(Case(key, method, target, route, variant, expected))
    return cases


@pytest.mark.parametrize("case", chase_cases(), ids=lambda case: case.key)
def test_chase_access(case: Case, world: World, db: None) -> None:
    _check(world, case, web_path(case, world), api_call=False)


def test_every_kind_of_chase_has_rows() -> None:
    from syslead.casework.chasing import CHASE_KINDS

    kinds = {matrix.split_key(key)[1].partition("/")[2] for key in matrix.chase_rows()}
    assert kinds == set(CHASE_KINDS) == set(matrix.CHASE_TARGETS)


# --- The table covers everything, and nothing that is gone ------------------------------------


def missing_web_rows(patterns: list[Pattern], rows: dict[str, tuple[str, ...]]) -> list[str]:
    return [
        f"GET {p.name}  ({p.route})" for p in patterns if _row_for("GET", p.name, "", rows) is None
    ]


def missing_api_rows(operations: list[str], rows: dict[str, tuple[str, ...]]) -> list[str]:
    return [op for op in operations if matrix.row_key(*op.split(" ", 1), "") not in rows]


def test_every_url_pattern_has_a_row_in_the_access_matrix() -> None:
    missing = missing_web_rows(web_patterns(), matrix.web_rows())
    assert not missing, (
        "These URL patterns have no row in the access matrix. Add a row for each to WEB in "
        "syslead/core/tests/access_matrix.py (and, if a parameter is new, to PARAMETERS there), "
        "with the status every role must get:\n  " + "\n  ".join(missing)
    )


def test_every_api_operation_has_a_row_in_the_access_matrix() -> None:
    missing = missing_api_rows(api_operations(), matrix.api_rows())
    assert not missing, (
        "These API operations (from the OpenAPI document) have no row in the access matrix. Add "
        "a row for each to API in syslead/core/tests/access_matrix.py (and a sample body to "
        "api_body there for a write), with the status every role must get:\n  "
        + "\n  ".join(missing)
    )


def test_a_new_page_or_operation_without_a_row_is_named_as_missing() -> None:
    """The coverage tests above would fail for a page or an operation added without a row."""
    new_page = Pattern("reports:new_report", "reports/new/<int:deployment_id>/", "syslead.x")
    known = web_patterns()[:3]
    assert missing_web_rows([*known, new_page], matrix.web_rows()) == [
        "GET reports:new_report  (reports/new/<int:deployment_id>/)"
    ]
    assert missing_api_rows(
        [*api_operations()[:3], "DELETE /leaders/{leader_id}"], matrix.api_rows()
    ) == ["DELETE /leaders/{leader_id}"]


def test_a_page_that_only_takes_posts_has_a_post_row() -> None:
    """A write view answers GET with 405; its POST must be in the table too."""
    rows = matrix.web_rows()
    missing = []
    for pattern in web_patterns():
        key = _row_for("GET", pattern.name, "", rows)
        if key and rows[key][0] == "405" and _row_for("POST", pattern.name, "", rows) is None:
            missing.append(f"POST {pattern.name}")
    assert not missing, "POST-only pages with no POST row in WEB:\n  " + "\n  ".join(missing)


def test_every_row_of_the_access_matrix_names_something_that_exists() -> None:
    names = {p.name for p in web_patterns()}
    operations = set(api_operations())
    stale = [
        key for key in matrix.web_rows() if "*" not in key and matrix.split_key(key)[1] not in names
    ] + [key for key in matrix.api_rows() if " ".join(matrix.split_key(key)[:2]) not in operations]
    assert not stale, "Rows for pages or operations that no longer exist:\n  " + "\n  ".join(stale)


# --- Lists show nothing of the other organisation ---------------------------------------------

#: Pages and operations that list records: no role but the administrator may find the other
#: organisation's records (its people, its schools, its invitations) in them. An own
#: organisation's alliance pages list its members: never the other alliance's schools.
LISTS = (
    "/",
    "/requests/",
    "/requests/approaches/",
    "/requests/commissions/",
    "/requests/allocation/",
    "/requests/unmet-demand/",
    "/deployments/",
    "/concerns/",
    "/inbox/",
    "/leaders/",
    "/leaders/rounds/",
    "/leaders/training/",
    "/quality/",
    "/quality/concerns/?status=all",
    "/reports/kpis/",
    "/reports/impact/",
    "/reports/annual/",
    "/people/",
    "/leaders/export.csv",
    "/requests/export.csv",
    "/requests/unmet-demand/export.csv",
    "/deployments/export.csv",
    "/reports/kpis/export.csv",
    "/reports/impact/export.csv",
    "/alliances/{own_organisation}/",
    "/alliances/{own_organisation}/meetings/",
    "/api/v1/support-requests",
    "/api/v1/deployments",
)


def _text(response: Any) -> str:
    """The body of a page or of a download (a file is streamed)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_nothing_of_the_other_organisation(path: str, world: World, db: None) -> None:
    other = world.other
    path = path.format(own_organisation=world.own.organisation.pk)
    api_call = path.startswith("/api/")
    case = Case(f"GET {path}", "GET", path, "", "", ())
    client = _client()
    names = [
        other.client_school.name,
        other.home_school.name,
        other.leader_user.get_full_name(),
        other.client_head.get_full_name(),
        other.objects["invitation"].name,
    ]
    found = []
    for role in matrix.ROLES[1:-1]:
        client.cookies = SimpleCookie()
        headers = {}
        if api_call:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            continue
        text = _text(response)
        found += [f"{role} sees {name!r}" for name in names if name in text]
        if api_call:
            ids = {item["id"] for item in json.loads(text)}
            record = "request" if "support-requests" in path else "deployment"
            theirs = {o.pk for k, o in other.objects.items() if k.endswith(record)}
            found += [f"{role} gets {record} {pk}" for pk in ids & theirs]
    assert not found, f"{case.key}: " + "; ".join(found)


@pytest.mark.parametrize(
    "path",
    [
        "/reports/kpis/export.csv",
        "/reports/impact/export.csv",
        "/requests/unmet-demand/export.csv",
        "/reports/annual/",
    ],
)
def test_a_download_for_an_organisation_the_caller_does_not_run_is_404(
    path: str, world: World, db: None
) -> None:
    """``?organisation=`` naming the other organisation: 404 to the own coordinator and to a
    stranger's; the administrator gets the file."""
    client = _client()
    found = {}
    for role in ("admin", "coord", "other"):
        client.cookies = SimpleCookie()
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        response = client.get(path, {"organisation": world.other.organisation.pk})
        found[role] = response.status_code
    assert found == {"admin": 200, "coord": 404, "other": 404}


@pytest.mark.parametrize(
    "path",
    [
        "/requests/",
        "/deployments/",
        "/people/",
        "/leaders/export.csv",
        "/requests/export.csv",
        "/deployments/export.csv",
        "/api/v1/support-requests",
        "/api/v1/deployments",
    ],
)
def test_the_administrator_finds_the_other_organisations_records_in_the_lists(
    path: str, world: World, db: None
) -> None:
    """The control for the test above: the names it looks for are there to be found."""
    client = _client()
    client.cookies = SimpleCookie()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["admin"]
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    response = client.get(path, headers=headers)
    if path.startswith("/api/"):
        record = "request" if "support-requests" in path else "deployment"
        assert world.other.objects[record].pk in {item["id"] for item in response.json()}
    elif path == "/people/":
        assert world.other.objects["invitation"].name in _text(response)
    elif path == "/leaders/export.csv":
        assert world.other.leader_user.get_full_name() in _text(response)
    else:
        assert world.other.client_school.name in _text(response)
