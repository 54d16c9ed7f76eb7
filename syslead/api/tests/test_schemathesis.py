"""The whole OpenAPI document, fuzzed by schemathesis with a coordinator's token: every operation
gets valid and invalid requests (wrong types, out-of-range numbers and ids, over-long texts,
missing fields), and every answer must be no 5xx, a status the operation declares, JSON, and
match the schema declared for that status.

Bounded for CI: a fixed number of examples per operation and mode, derandomized (the same cases
every run), no deadline and no example database, so the run is the same on every machine."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from syslead.accounts.models import ApiToken, User
from syslead.alliances.models import AllianceMember, Meeting
from syslead.api.main import api
from syslead.deployments.services import deployment_create, deployment_sign
from syslead.deployments.tests.factories import (
    STARTS_ON,
    agreement_kwargs,
    make_leader,
    make_request,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.services import ActionPointSpec, visit_record
from syslead.wsgi import application

#: Examples per operation: valid requests, then invalid ones.
POSITIVE_EXAMPLES = 5
NEGATIVE_EXAMPLES = 3

settings.register_profile(
    "syslead-schemathesis",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


@pytest.fixture
def wsgi_in_test_transaction(settings: Any) -> Iterator[None]:
    """Let the WSGI application run inside the test's transaction, as Django's test client does:
    the request signals would otherwise close the test's database connection."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def known(
    coordinator: User,
    alliance: Organisation,
    leader_user: User,
    home_school: School,
    client_school: School,
    client_head: User,
    home_head: User,
    broker_lead: User,
) -> dict[str, Any]:
    """Records the coordinator may work on (a leader with a designation and an association, a
    request, an active agreement with a note of visit, a member of the alliance referred to the
    board and a meeting), by the names the paths give their ids:
    the fuzzer also sends valid requests about them, beyond the 404s of ids it makes up."""
    leader = make_leader(leader_user, home_school, alliance)
    request = make_request(alliance, client_school, chosen_leader=leader)
    deployment = deployment_create(
        actor=coordinator, support_request=request, leader=leader, **agreement_kwargs()
    )
    for person in (leader_user, home_head, client_head, broker_lead):
        deployment = deployment_sign(actor=person, deployment=deployment)
    visit = visit_record(
        actor=leader_user,
        deployment=deployment,
        date=STARTS_ON,
        session="full_day",
        hours=Decimal(6),
        focus="Maths book scrutiny.",
        actions=[ActionPointSpec("school", "Share the calculation policy.", STARTS_ON)],
    )
    member = AllianceMember.objects.create(
        organisation=alliance,
        school=client_school,
        joined_on=STARTS_ON - dt.timedelta(days=365),
        consecutive_meetings_missed=2,
        referred_to_board=True,
        referred_on=STARTS_ON,
    )
    meeting = Meeting.objects.create(organisation=alliance, held_on=STARTS_ON, title="Autumn")
    return {
        "member_id": member.pk,
        "meeting_id": meeting.pk,
        "leader_id": leader.pk,
        "designation_id": leader.designations.get().pk,
        "association_id": leader.associations.get().pk,
        "request_id": request.pk,
        "deployment_id": deployment.pk,
        "visit_id": visit.pk,
        "organisation_id": alliance.pk,
        "urn": client_school.urn,
        "academic_year": "2026-27",
    }


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    tally: Tally,
    path_parameters: dict[str, Any] | None = None,
) -> None:
    examples = POSITIVE_EXAMPLES if mode == GenerationMode.POSITIVE else NEGATIVE_EXAMPLES
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(settings.get_profile("syslead-schemathesis"), max_examples=examples)
    @given(case=strategy)
    def run(case: Any) -> None:
        tally.cases += 1
        response = case.call(headers=headers)
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as error:  # each failure is reported, the run goes on
            found = error.exceptions if isinstance(error, FailureGroup) else (error,)
            tally.failures.extend(
                f"{operation.label} [{mode.value}]: {failure.title}: {failure.message}"
                for failure in found
            )

    run()


def test_the_whole_api_gives_no_server_error_and_matches_its_schemas(
    db: None, known: dict[str, Any], coordinator: User, wsgi_in_test_transaction: None
) -> None:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    schema.app = application
    _, raw = ApiToken.issue(coordinator)
    headers = {"Authorization": f"Bearer {raw}"}
    tally = Tally()
    started = dt.datetime.now()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run_operation(operation, mode, headers, tally)
        names = [p.name for p in operation.path_parameters]
        if names and all(name in known for name in names):
            fixed = {name: known[name] for name in names}
            _run_operation(operation, GenerationMode.POSITIVE, headers, tally, fixed)
    seconds = (dt.datetime.now() - started).total_seconds()
    print(  # noqa: T201 - the figures the CI log reports
        f"schemathesis: {tally.operations} operations, {tally.cases} cases, "
        f"{len(tally.failures)} failures in {seconds:.1f} s; "
        f"statuses {sorted(tally.statuses.items())}"
    )
    assert tally.operations >= 40
    assert tally.failures == []
