"""A request waiting on someone without an account says so (docs/rules.md, "Requests"): when the
school's choice is awaited and no one with an active account heads the school, the request page
and the coordinator's "Needs attention" say "waiting on the headteacher of …, who has no
account", with the actions: invite them (or resend), and on the local authority route record
their choice on their behalf."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.brokering.no_account import waiting_on_no_account
from syslead.core.home import home_context
from syslead.invitations.models import Invitation
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _request(alliance: Organisation, school: School, route: str = Route.SCHOOL) -> SupportRequest:
    return SupportRequest.objects.create(
        organisation=alliance,
        school=school,
        route=route,
        status=RequestStatus.AWAITING_CHOICE,
        academic_year="2026-27",
        needs=["maths"],
        phase=school.phase,
        days_requested=Decimal(5),
        summary="Raise attainment in maths.",
    )


@pytest.fixture
def waiting(alliance: Organisation, client_school: School) -> SupportRequest:
    """Waiting for Ermine Primary's choice; Ermine Primary's head has no account."""
    return _request(alliance, client_school)


def _attention(user: User) -> list[Any]:
    return list(home_context(user)["attention"])


def test_the_request_says_it_waits_on_the_head_without_an_account(
    login: Login, coordinator: User, waiting: SupportRequest
) -> None:
    """Rule: a request waiting on someone without an account says so, with the action."""
    page = login(coordinator).get(f"/requests/{waiting.pk}/").content.decode()
    assert "Waiting on the headteacher of Ermine Primary Academy, who has no account." in page
    assert f"/requests/{waiting.pk}/invite-head/" in page
    assert "record their choice on their behalf" not in page  # school route: only the head


def test_on_the_la_route_the_coordinator_may_record_the_choice_instead(
    login: Login, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    la = _request(alliance, client_school, Route.LOCAL_AUTHORITY)
    page = login(coordinator).get(f"/requests/{la.pk}/").content.decode()
    assert "record their choice on their behalf" in page


def test_needs_attention_names_the_head_without_an_account(
    coordinator: User, waiting: SupportRequest
) -> None:
    texts = [item.text for item in _attention(coordinator)]
    assert (
        f"Request {waiting.pk} is waiting on the headteacher of Ermine Primary Academy, who has "
        "no account" in texts
    )


def test_a_head_with_an_account_is_not_flagged(
    login: Login, coordinator: User, waiting: SupportRequest, client_head: User
) -> None:
    assert waiting_on_no_account(waiting) is None
    page = login(coordinator).get(f"/requests/{waiting.pk}/").content.decode()
    assert "who has no account" not in page


def test_an_inactive_heads_account_counts_as_none(
    coordinator: User, waiting: SupportRequest, client_head: User
) -> None:
    User.objects.filter(pk=client_head.pk).update(is_active=False)
    assert waiting_on_no_account(waiting) is not None


def test_the_coordinator_invites_the_head_and_can_resend(
    login: Login, coordinator: User, waiting: SupportRequest
) -> None:
    client = login(coordinator)
    url = f"/requests/{waiting.pk}/invite-head/"
    page = client.post(url, {"name": "", "email": "not an address"}).content.decode()
    assert "There is a problem" in page
    assert not Invitation.objects.exists()
    response = client.post(url, {"name": "Cara Head", "email": "cara@ermine.test"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.school_id, invitation.role) == (waiting.school_id, "headteacher")
    page = client.get(f"/requests/{waiting.pk}/").content.decode()
    assert "Invited cara@ermine.test (Cara Head), not yet joined" in page
    assert f"/people/invitations/{invitation.pk}/resend/" in page


def test_others_may_not_invite_for_the_request(
    login: Login, waiting: SupportRequest, broker_lead: User
) -> None:
    assert login(broker_lead).get(f"/requests/{waiting.pk}/invite-head/").status_code == 403
