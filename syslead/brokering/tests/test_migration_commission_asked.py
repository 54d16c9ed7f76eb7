"""The migration that records whether a commission was asked for marks the commissions already
written by the request's organisation (or an administrator) as asked, and no others."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("brokering", "0002_allocation_run_solver_details_and_draft_match_reasons")]
AFTER = [("brokering", "0003_commission_asked")]


def _apps_at(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_commissions_proposed_by_the_requests_organisation_become_asked() -> None:
    apps = _apps_at(BEFORE)
    Organisation = apps.get_model("organisations", "Organisation")
    School = apps.get_model("schools", "School")
    User = apps.get_model("accounts", "User")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    LeaderProfile = apps.get_model("leaders", "LeaderProfile")
    SupportRequest = apps.get_model("brokering", "SupportRequest")
    Commission = apps.get_model("brokering", "Commission")

    owner = Organisation.objects.create(name="Owner", kind="teaching_school_alliance", slug="o")
    other = Organisation.objects.create(name="Other", kind="teaching_school_alliance", slug="x")
    school = School.objects.create(urn=100001, name="A School")
    asker = User.objects.create(email="asker@test", is_superuser=False)
    offerer = User.objects.create(email="offerer@test", is_superuser=False)
    admin = User.objects.create(email="admin@test", is_superuser=True)
    RoleAssignment.objects.create(user=asker, role="coordinator", organisation=owner)
    RoleAssignment.objects.create(user=offerer, role="coordinator", organisation=other)
    leader_user = User.objects.create(email="leader@test")
    leader = LeaderProfile.objects.create(user=leader_user, home_school=school, job_title="Head")
    request = SupportRequest.objects.create(
        organisation=owner,
        school=school,
        route="school",
        academic_year="2025-26",
        phase="primary",
        days_requested=2,
        summary="Maths",
    )
    rows = {
        who: Commission.objects.create(
            support_request=request,
            leader=leader,
            owning_organisation=other,
            proposed_by=user,
            status="refused",  # several rows for one leader need all but one refused
        ).pk
        for who, user in (("asker", asker), ("offerer", offerer), ("admin", admin))
    }

    apps = _apps_at(AFTER)
    Commission = apps.get_model("brokering", "Commission")
    asked = dict(Commission.objects.values_list("pk", "asked"))
    assert asked[rows["asker"]] is True
    assert asked[rows["admin"]] is True
    assert asked[rows["offerer"]] is False
