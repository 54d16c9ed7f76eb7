"""Release days (the home headteacher's page and the coordinator's) and the release policy."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.leaders.models import CapacityPolicy, Designation, LeaderProfile, ReleaseAgreement
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


def _year() -> str:
    return AcademicYear.current().label


def _post(client: Client, leader: LeaderProfile, year: str, **fields: str) -> object:
    prefix = f"r{leader.pk}-{year}"
    data = {"form_id": prefix, f"{prefix}-academic_year": year}
    for name, value in fields.items():
        if name.endswith("_on") and value:
            data |= date_input_data(f"{prefix}-{name}", value)
        else:
            data[f"{prefix}-{name}"] = value
    return client.post("/leaders/release/", data)


def test_home_headteacher_sees_their_staff_who_are_leaders(
    login: Login, home_head: User, lle: Designation
) -> None:
    response = login(home_head).get("/leaders/release/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lee Leader" in body
    assert _year() in body
    assert AcademicYear.current().next().label in body


def test_home_headteacher_agrees_days_with_their_consent_and_the_chairs(
    login: Login, home_head: User, lle: Designation
) -> None:
    response = _post(
        login(home_head),
        lle.leader,
        _year(),
        days="10",
        agreed_on="2026-09-10",
        chair_consent_name="Gill Governor",
        chair_consent_on="2026-09-12",
        headteacher_consent="on",
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    release = ReleaseAgreement.objects.get(leader=lle.leader, academic_year=_year())
    assert release.days == Decimal("10")
    assert release.headteacher_consent_by == home_head
    assert release.chair_consent_name == "Gill Governor"


def test_headteacher_consent_must_be_ticked(
    login: Login, home_head: User, lle: Designation
) -> None:
    response = _post(login(home_head), lle.leader, _year(), days="10", agreed_on="2026-09-10")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "Tick to give your consent as headteacher." in body
    assert not ReleaseAgreement.objects.exists()


def test_days_above_the_cap_are_refused_with_the_rule(
    login: Login, home_head: User, lle: Designation
) -> None:
    response = _post(
        login(home_head),
        lle.leader,
        _year(),
        days="16",
        agreed_on="2026-09-10",
        headteacher_consent="on",
    )
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "There is a problem" in body
    assert "is above the cap" in body
    assert f'href="#id_r{lle.leader_id}-{_year()}-days"' in body
    assert not ReleaseAgreement.objects.exists()


def test_below_the_lle_minimum_is_saved_and_flagged(
    login: Login, coordinator: User, lle: Designation
) -> None:
    client = login(coordinator)
    response = client.post(
        f"/leaders/{lle.leader_id}/release/",
        {"academic_year": _year(), "days": "4", **date_input_data("agreed_on", "2026-09-10")},
        follow=True,
    )
    body = response.content.decode()
    assert "below the minimum" in body
    assert ReleaseAgreement.objects.get(leader=lle.leader).below_minimum
    assert "Release below the minimum" in client.get(f"/leaders/{lle.leader_id}/").content.decode()


def test_release_pages_are_refused_to_others(
    login: Login, stranger: User, other_coordinator: User, client_head: User, lle: Designation
) -> None:
    assert login(stranger).get("/leaders/release/").status_code == 403
    assert "Lee Leader" not in login(client_head).get("/leaders/release/").content.decode()
    assert login(other_coordinator).get(f"/leaders/{lle.leader_id}/release/").status_code == 404
    assert login(stranger).get(f"/leaders/{lle.leader_id}/release/").status_code == 404


def test_a_leader_cannot_set_their_own_release(
    login: Login, leader_user: User, lle: Designation
) -> None:
    assert login(leader_user).get(f"/leaders/{lle.leader_id}/release/").status_code == 403


def test_policy_defaults_then_saves_an_la_cap(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    assert client.get("/leaders/policy/")["Location"] == f"/leaders/policy/{alliance.pk}/"
    page = client.get(f"/leaders/policy/{alliance.pk}/")
    assert page.context["form"].initial == {
        "max_release_days": Decimal("15"),
        "min_lle_days": Decimal("6"),
    }
    response = client.post(
        f"/leaders/policy/{alliance.pk}/", {"max_release_days": "20", "min_lle_days": "6"}
    )
    assert response.status_code == 302
    assert CapacityPolicy.objects.get(organisation=alliance).max_release_days == 20


def test_policy_minimum_above_the_cap_is_an_error(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        f"/leaders/policy/{alliance.pk}/", {"max_release_days": "5", "min_lle_days": "6"}
    )
    assert "The LLE minimum cannot be above the cap." in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "leader_user"])
def test_policy_is_refused_to_others(
    request: pytest.FixtureRequest, login: Login, who: str, alliance: Organisation
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(f"/leaders/policy/{alliance.pk}/").status_code == 403
