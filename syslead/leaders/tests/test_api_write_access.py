"""Leader writes through the API resolve the leader through the same visibility rule as reads: a
leader the caller cannot see is 404 before any business rule runs (whatever organisation the body
names), and nothing is written; a visible leader the caller may not change is 403."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from conftest import ApiClient
from syslead.accounts.models import User
from syslead.leaders.models import Association, Designation, LeaderProfile, ReleaseAgreement
from syslead.leaders.tests.factories import associate
from syslead.organisations.models import Organisation

Api = Callable[[User | None], ApiClient]


def test_a_coordinator_cannot_associate_a_leader_of_another_organisation_404(
    api: Api, leader: LeaderProfile, other_coordinator: User, other_org: Organisation
) -> None:
    response = api(other_coordinator).post(
        f"/leaders/{leader.pk}/associations",
        {"organisation": other_org.pk, "starts_on": "2025-10-01"},
    )
    assert response.status_code == 404
    assert not Association.objects.filter(leader=leader).exists()
    # Still invisible afterwards: the profile, capacity and release stay closed.
    assert api(other_coordinator).get(f"/leaders/{leader.pk}").status_code == 404


def test_a_coordinator_cannot_designate_a_leader_of_another_organisation_404(
    api: Api, leader: LeaderProfile, other_coordinator: User, other_org: Organisation
) -> None:
    response = api(other_coordinator).post(
        f"/leaders/{leader.pk}/designations",
        {"type": "NLE", "designated_on": "2025-09-01", "organisation": other_org.pk},
    )
    assert response.status_code == 404
    # 404 says nothing of the leader, their designations or eligibility.
    assert "Lee" not in response.json()["detail"]
    assert not Designation.objects.filter(leader=leader).exists()


def test_an_invisible_leader_is_404_even_for_a_business_rule_that_would_name_them(
    api: Api,
    lle: Designation,
    leader: LeaderProfile,
    other_coordinator: User,
    other_org: Organisation,
) -> None:
    for path, body in (
        (
            f"/leaders/{leader.pk}/designations",
            {"type": "LLE", "designated_on": "2025-09-01", "organisation": other_org.pk},
        ),
        (
            f"/leaders/{leader.pk}/associations",
            {"organisation": other_org.pk, "starts_on": "2025-10-01"},
        ),
    ):
        response = api(other_coordinator).post(path, body)
        assert response.status_code == 404, response.json()
        assert "rule" not in response.json()
        assert "KYRA" not in response.json()["detail"]


def test_release_days_and_profile_edits_of_an_invisible_leader_are_404(
    api: Api, leader: LeaderProfile, other_coordinator: User
) -> None:
    client = api(other_coordinator)
    release = client.put(
        f"/leaders/{leader.pk}/release/2026-27", {"days": 5, "agreed_on": "2026-07-01"}
    )
    assert release.status_code == 404
    patched = client.client.patch(
        f"/api/v1/leaders/{leader.pk}",
        data=json.dumps({"job_title": "Taken"}),
        content_type="application/json",
        headers=client.headers,
    )
    assert patched.status_code == 404
    assert not ReleaseAgreement.objects.filter(leader=leader).exists()
    leader.refresh_from_db()
    assert leader.job_title == "Deputy headteacher"


def test_a_visible_leader_the_caller_may_not_change_is_403(
    api: Api,
    leader: LeaderProfile,
    other_coordinator: User,
    other_org: Organisation,
    alliance: Organisation,
) -> None:
    # Once associated with the other organisation too (e.g. on accepting its invitation), its
    # coordinator sees the leader but may not designate in the alliance's name.
    associate(leader, other_org)
    response = api(other_coordinator).post(
        f"/leaders/{leader.pk}/designations",
        {"type": "SLE", "designated_on": "2025-09-01", "organisation": alliance.pk},
    )
    assert response.status_code == 403
    assert not Designation.objects.filter(leader=leader).exists()
    # In its own name it may.
    own = api(other_coordinator).post(
        f"/leaders/{leader.pk}/designations",
        {"type": "SLE", "designated_on": "2025-09-01", "organisation": other_org.pk},
    )
    assert own.status_code == 201, own.json()


def test_the_web_pages_that_change_a_leader_are_404_to_a_coordinator_who_cannot_see_them(
    client: Client,
    leader: LeaderProfile,
    other_coordinator: User,
    other_org: Organisation,
) -> None:
    client.force_login(other_coordinator)
    for name in ("edit", "designate", "associate", "leader_release"):
        url = reverse(f"leaders:{name}", args=[leader.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"organisation": other_org.pk}).status_code == 404, name
    assert not Association.objects.filter(leader=leader, organisation=other_org).exists()
