"""The admin lists the area's records for administrators, read-only where rules apply."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.leaders.models import CapacityPolicy, Designation
from syslead.organisations.models import Organisation

MODELS = [
    "specialism",
    "designationtype",
    "leaderprofile",
    "designation",
    "designationround",
    "designationapplication",
    "association",
    "capacitypolicy",
    "releaseagreement",
    "trainingevent",
    "termlyreview",
]


def test_administrators_browse_the_leaders_area(
    login: Callable[[User], Client], administrator: User, lle: Designation
) -> None:
    client = login(administrator)
    for model in MODELS:
        assert client.get(reverse(f"admin:leaders_{model}_changelist")).status_code == 200, model
    page = client.get(reverse("admin:leaders_leaderprofile_change", args=[lle.leader_id]))
    assert page.status_code == 200
    assert client.get(reverse("admin:leaders_designation_add")).status_code == 403


def test_a_policy_saved_in_the_admin_goes_through_the_service(
    login: Callable[[User], Client], administrator: User, alliance: Organisation
) -> None:
    client = login(administrator)
    response = client.post(
        reverse("admin:leaders_capacitypolicy_add"),
        {"organisation": alliance.pk, "max_release_days": "20", "min_lle_days": "6"},
    )
    assert response.status_code == 302
    assert CapacityPolicy.objects.get(organisation=alliance).max_release_days == Decimal("20")


def test_strangers_do_not_reach_the_admin(login: Callable[[User], Client], stranger: User) -> None:
    response = login(stranger).get(reverse("admin:leaders_leaderprofile_changelist"))
    assert response.status_code == 302
