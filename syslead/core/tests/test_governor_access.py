"""A governor in the access matrix's world: every web page, chase and API operation the matrix
covers, asked by a governor of the own supported school (docs/rules.md, "The governing body").

Why not a column of the matrix: a governor's answer everywhere but on the governors' pages is by
rule the answer a signed-in person with no role at all gets, so a column would copy that answer
into every row. This module states the rule once instead, and asks every row: the governor and a
person with no role must get the same status, except on the four documents of their own school
(and the governors' home), which only the governor reads. The rows' expectations for everyone
else are in ``access_matrix.py``."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from syslead.accounts.models import ApiToken
from syslead.core.tests.access_world import World
from syslead.core.tests.test_access_matrix import (
    Case,
    _ask,
    api_cases,
    api_path,
    chase_cases,
    web_cases,
    web_path,
)
from syslead.core.tests.test_access_matrix import world as matrix_world  # noqa: F401

pytestmark = pytest.mark.no_cover

#: The governor's own pages: what they read is tested below, row by row.
GOVERNOR_PAGES = frozenset(
    {
        "governors:home",
        "governors:agreement",
        "governors:deployment_record",
        "governors:evaluation",
        "governors:final_report",
    }
)


@pytest.fixture(scope="module")
def world(matrix_world: World) -> World:  # noqa: F811
    """The matrix's world, with a session and an API token for the own supported school's
    governor ("gov") and for a person with no role ("nobody")."""
    for role, user in (
        ("gov", matrix_world.own.objects["governor"]),
        ("nobody", matrix_world.spare),
    ):
        client = Client()
        client.force_login(user)
        matrix_world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        matrix_world.tokens[role] = ApiToken.issue(user)[1]
    return matrix_world


def _compare(world: World, case: Case, path: str, api_call: bool) -> None:
    governor, _ = _ask(world, "gov", case, path, api_call)
    nobody, _ = _ask(world, "nobody", case, path, api_call)
    assert governor == nobody, (
        f"{case.key} ({case.method} {path}): a governor got {governor}, a person with no role "
        f"{nobody}: a governor gets nothing beyond their school's four documents"
    )


@pytest.mark.parametrize(
    "case",
    [c for c in (*web_cases(), *chase_cases()) if c.target not in GOVERNOR_PAGES],
    ids=lambda case: case.key,
)
def test_a_governor_gets_on_every_page_what_a_person_with_no_role_gets(
    case: Case, world: World, db: None
) -> None:
    _compare(world, case, web_path(case, world), api_call=False)


@pytest.mark.parametrize("case", api_cases(), ids=lambda case: case.key)
def test_a_governor_gets_from_every_api_operation_what_a_person_with_no_role_gets(
    case: Case, world: World, db: None
) -> None:
    _compare(world, case, api_path(case, world), api_call=True)


def _governor_cases() -> list[Case]:
    return [c for c in web_cases() if c.target in GOVERNOR_PAGES]


@pytest.mark.parametrize("case", _governor_cases(), ids=lambda case: case.key)
def test_a_governor_reads_only_their_own_schools_four_documents(
    case: Case, world: World, db: None
) -> None:
    """The governing body's rule: their home, and the agreement, the signed deployment record,
    the evaluation and the approved final report of their own school (``@own``); the other
    organisation's school's are 404; a person with no role gets none of them."""
    path = web_path(case, world)
    governor, _ = _ask(world, "gov", case, path, False)
    nobody, _ = _ask(world, "nobody", case, path, False)
    expected = 200 if case.variant == "own" or case.target == "governors:home" else 404
    assert governor == expected, f"{case.key}: a governor got {governor}, not {expected}"
    assert nobody in (403, 404), f"{case.key}: a person with no role got {nobody}"


def test_every_governor_page_is_asked(world: World) -> None:
    asked = {case.target for case in _governor_cases()}
    assert asked == GOVERNOR_PAGES
    own = {case.target for case in _governor_cases() if case.variant == "own"}
    assert own == GOVERNOR_PAGES - {"governors:home"}


def test_the_governors_own_documents_name_nothing_of_the_rest_of_the_agreement(
    world: World, db: None
) -> None:
    """On their agreement's page: no link to the agreement's own pages, its notes of visit, its
    invoices, its concern or its documents."""
    from syslead.core.tests.test_access_matrix import _client

    client: Any = _client()
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["gov"]
    deployment = world.own.objects["deployment"]
    text = client.get(f"/governors/agreements/{deployment.pk}/").content.decode()
    assert f"/deployments/{deployment.pk}/" not in text
    for elsewhere in ("/visits/", "/invoices/", "/documents/"):
        assert elsewhere not in text
    assert "Confidential concern" not in text
    assert f"/governors/agreements/{deployment.pk}/records/" in text
    assert f"/governors/agreements/{deployment.pk}/evaluation/" in text
    assert f"/governors/agreements/{deployment.pk}/final-report/" in text
