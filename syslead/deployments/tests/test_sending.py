"""Sending an agreement for signature (docs/rules.md, "Sending an agreement for signature"): a
draft asks no one to sign; an invitation for a party no one with an account holds is prepared on
the draft and sent with it; on the local authority route the school's SIP agrees the draft first
(or the coordinator records why not); each party's state shows on the agreement's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import ApiClient, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route, SupportRequest
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import Deployment, DeploymentStatus, PreparedInvitation, SipDecision
from syslead.deployments.selectors import INVITED, PREPARED, SIGNED, TO_BE_ASKED, party_states
from syslead.deployments.services import (
    deployment_create,
    deployment_prepare_invitation,
    deployment_send_for_signature,
    deployment_sip_agree,
    deployment_sip_request_changes,
    deployment_update,
)
from syslead.deployments.services.agreements import SENT_AT_ONCE
from syslead.deployments.sip import is_school_sip, school_sips, sip_agreement_needed
from syslead.deployments.tests.factories import agreement_kwargs, refresh
from syslead.invitations.models import Invitation
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import NamedSip, School

Login = Callable[[User], Client]


def _draft(coordinator: User, support_request: SupportRequest, leader: LeaderProfile) -> Deployment:
    return deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        send_for_signature=False,
        **agreement_kwargs(),
    )


@pytest.fixture
def draft(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile, parties: list[User]
) -> Deployment:
    """A school-route draft; all four parties have accounts."""
    return _draft(coordinator, support_request, leader)


@pytest.fixture
def bare_draft(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> Deployment:
    """A draft when only the leader has an account among the parties."""
    return _draft(coordinator, support_request, leader)


@pytest.fixture
def sip(alliance: Organisation, client_school: School) -> User:
    """Sid Partner, the supported school's named SIP, named by the agreement's organisation
    (docs/rules.md, "The school's named SIP")."""
    user = make_user("sid@kyra.test", "Sid Partner", (Role.SIP, alliance))
    NamedSip.objects.create(
        school=client_school, organisation=alliance, sip=user, starts_on=timezone.localdate()
    )
    return user


@pytest.fixture
def la_request(support_request: SupportRequest) -> SupportRequest:
    SupportRequest.objects.filter(pk=support_request.pk).update(route=Route.LOCAL_AUTHORITY)
    support_request.refresh_from_db()
    return support_request


@pytest.fixture
def la_draft(
    coordinator: User,
    la_request: SupportRequest,
    leader: LeaderProfile,
    parties: list[User],
    sip: User,
) -> Deployment:
    """A local-authority-route draft of a school with a named SIP (Sid Partner)."""
    return _draft(coordinator, la_request, leader)


# Services: the draft and sending it ---------------------------------------------------------------


def test_a_draft_asks_no_one_to_sign_and_holds_no_days(
    draft: Deployment, parties: list[User]
) -> None:
    """Rule: the parties are asked to sign only when the agreement is sent for signature."""
    assert draft.status == DeploymentStatus.DRAFT
    assert not any(p.notifications.filter(verb="deployment.to_sign").exists() for p in parties)
    assert Event.objects.filter(verb="deployment.created", summary__contains="a draft").exists()


def test_sending_asks_the_parties_and_is_on_the_timeline(
    coordinator: User, draft: Deployment, parties: list[User]
) -> None:
    """Rule: "Send for signature" moves a draft to waiting for signatures and asks each party."""
    sent = deployment_send_for_signature(actor=coordinator, deployment=draft)
    assert refresh(sent).status == DeploymentStatus.AWAITING_SIGNATURES
    assert refresh(sent).sent_for_signature_at is not None
    assert all(p.notifications.filter(verb="deployment.to_sign").exists() for p in parties)
    assert Event.objects.filter(verb="deployment.sent_for_signature", subject_id=draft.pk).exists()


def test_only_a_coordinator_sends_for_signature(draft: Deployment, parties: list[User]) -> None:
    """Rule (who may): a coordinator of the organisation sends it; a party may not (403)."""
    with pytest.raises(NotAllowed):
        deployment_send_for_signature(actor=parties[3], deployment=draft)
    assert refresh(draft).status == DeploymentStatus.DRAFT


def test_sending_twice_is_refused_with_its_rule(coordinator: User, draft: Deployment) -> None:
    """Rule: only a draft is sent (409 ``not_draft``)."""
    deployment_send_for_signature(actor=coordinator, deployment=draft)
    with pytest.raises(RuleViolation) as refused:
        deployment_send_for_signature(actor=coordinator, deployment=refresh(draft))
    assert refused.value.rule == "not_draft"


def test_a_draft_cannot_be_signed(draft: Deployment, parties: list[User]) -> None:
    from syslead.deployments.services import deployment_sign

    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=parties[0], deployment=draft)
    assert refused.value.rule == "not_awaiting_signatures"


def test_the_invitation_prepared_on_the_draft_is_sent_with_it(
    coordinator: User,
    bare_draft: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Rule: a party with no account is named with an e-mail on the draft (prepared, not sent);
    sending the agreement sends the invitation."""
    deployment_prepare_invitation(
        actor=coordinator,
        deployment=bare_draft,
        party="client_headteacher",
        email="Cara@Ermine.test",
        name="Cara Client-Head",
    )
    assert not Invitation.objects.exists()
    assert [s.state for s in party_states(refresh(bare_draft))][2] == PREPARED
    with django_capture_on_commit_callbacks(execute=True):
        deployment_send_for_signature(actor=coordinator, deployment=bare_draft)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.school_id) == (
        "cara@ermine.test",
        Role.HEADTEACHER,
        bare_draft.client_school_id,
    )
    assert PreparedInvitation.objects.get().invitation == invitation
    assert any("cara@ermine.test" in m.to for m in mail.outbox)
    states = party_states(refresh(bare_draft))
    assert states[2].state == INVITED
    assert states[2].invitations == (invitation,)


def test_the_parties_section_email_prepares_the_client_heads_invitation(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    """Rule: the Parties section names the supported school's headteacher with an e-mail: with no
    account to sign, their invitation is prepared with the draft."""
    deployment = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        send_for_signature=False,
        **agreement_kwargs(
            client_headteacher_name="Cara Client-Head",
            client_headteacher_email="cara@ermine.test",
        ),
    )
    prepared = PreparedInvitation.objects.get(deployment=deployment)
    assert (prepared.party, prepared.email) == ("client_headteacher", "cara@ermine.test")
    assert not Invitation.objects.exists()


def test_no_invitation_is_prepared_for_a_party_someone_can_sign_for(
    coordinator: User, draft: Deployment
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_prepare_invitation(
            actor=coordinator,
            deployment=draft,
            party="client_headteacher",
            email="x@ermine.test",
            name="X",
        )
    assert refused.value.rule == "signer_has_account"


def test_party_states_say_who_is_to_be_asked_and_who_signed(
    coordinator: User, draft: Deployment, parties: list[User]
) -> None:
    assert {s.state for s in party_states(draft)} == {TO_BE_ASKED}
    from syslead.deployments.services import deployment_sign

    deployment_send_for_signature(actor=coordinator, deployment=draft)
    deployment_sign(actor=parties[0], deployment=refresh(draft))
    states = party_states(refresh(draft))
    assert states[0].state == SIGNED
    assert states[1].words == "Waiting for their signature"


# Services: the SIP agrees first on the local authority route -------------------------------------


def test_the_sip_who_agrees_is_the_schools_named_sip_only(
    la_draft: Deployment, sip: User, alliance: Organisation
) -> None:
    """docs/rules.md, "Sending an agreement for signature": the school's named SIP (named by the
    agreement's organisation, through ``schools.sips.school_sip``) agrees; the authority's other
    SIPs do not, and a school with no named SIP has none (no fallback)."""
    other = make_user("sam@kyra.test", "Sam Other-SIP", (Role.SIP, alliance))
    assert school_sips(la_draft) == [sip]
    assert not is_school_sip(other, refresh(la_draft))
    with pytest.raises(NotAllowed):
        deployment_sip_agree(actor=other, deployment=refresh(la_draft))
    NamedSip.objects.filter(sip=sip).update(ends_on=timezone.localdate())
    assert school_sips(refresh(la_draft)) == []
    assert not sip_agreement_needed(refresh(la_draft))


def test_no_sip_is_asked_on_the_school_route(la_draft: Deployment, sip: User) -> None:
    """docs/rules.md: "who is this school's SIP" is ``sip.school_sips``: the SIPs of the
    organisation on the local authority route; none on the school route."""
    assert school_sips(la_draft) == [sip]
    SupportRequest.objects.filter(pk=la_draft.support_request_id).update(route=Route.SCHOOL)
    assert school_sips(refresh(la_draft)) == []


def test_the_sip_is_asked_to_agree_the_draft(la_draft: Deployment, sip: User) -> None:
    assert sip.notifications.filter(verb="deployment.sip_to_agree").exists()


def test_on_the_la_route_sending_waits_for_the_sip(coordinator: User, la_draft: Deployment) -> None:
    """Rule: SIP agrees first: sending before the SIP agreed is refused (409
    ``sip_agreement_needed``) and nothing is sent."""
    with pytest.raises(RuleViolation) as refused:
        deployment_send_for_signature(actor=coordinator, deployment=la_draft)
    assert refused.value.rule == "sip_agreement_needed"
    assert "Sid Partner" in str(refused.value)
    assert refresh(la_draft).status == DeploymentStatus.DRAFT


def test_once_the_sip_agrees_the_coordinator_sends_it(
    coordinator: User, la_draft: Deployment, sip: User
) -> None:
    """Rule: SIP agrees first, then "Send for signature" is possible."""
    deployment_sip_agree(actor=sip, deployment=la_draft, comments="Fine by me")
    assert refresh(la_draft).sip_decision == SipDecision.AGREED
    assert coordinator.notifications.filter(verb="deployment.sip_agreed").exists()
    deployment_send_for_signature(actor=coordinator, deployment=refresh(la_draft))
    assert refresh(la_draft).status == DeploymentStatus.AWAITING_SIGNATURES


def test_only_the_schools_sip_agrees(
    la_draft: Deployment, coordinator: User, parties: list[User]
) -> None:
    """Rule (who may): the SIP only, not the coordinator nor a party (403)."""
    for person in (coordinator, parties[2]):
        with pytest.raises(NotAllowed):
            deployment_sip_agree(actor=person, deployment=la_draft)


def test_a_sip_of_another_authority_may_not_agree(
    la_draft: Deployment, other_org: Organisation
) -> None:
    stranger_sip = make_user("sam@other.test", "Sam Other-SIP", (Role.SIP, other_org))
    with pytest.raises(NotAllowed):
        deployment_sip_agree(actor=stranger_sip, deployment=la_draft)


def test_the_sip_asks_for_changes_with_comments(
    coordinator: User, la_draft: Deployment, sip: User
) -> None:
    """Rule: asking for changes needs comments; the coordinator is told; sending still waits."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        deployment_sip_request_changes(actor=sip, deployment=la_draft, comments="  ")
    deployment_sip_request_changes(actor=sip, deployment=la_draft, comments="Add a review date")
    assert refresh(la_draft).sip_decision == SipDecision.CHANGES_REQUESTED
    assert coordinator.notifications.filter(verb="deployment.sip_changes_requested").exists()
    with pytest.raises(RuleViolation) as refused:
        deployment_send_for_signature(actor=coordinator, deployment=refresh(la_draft))
    assert refused.value.rule == "sip_agreement_needed"


def test_changing_the_terms_withdraws_the_sips_answer(
    coordinator: User, la_draft: Deployment, sip: User
) -> None:
    """Rule: the SIP agrees the terms that are sent: a change asks them again."""
    deployment_sip_agree(actor=sip, deployment=la_draft)
    deployment_update(actor=coordinator, deployment=refresh(la_draft), intervals="Weekly")
    assert refresh(la_draft).sip_decision == ""
    with pytest.raises(RuleViolation):
        deployment_send_for_signature(actor=coordinator, deployment=refresh(la_draft))


def test_the_coordinator_may_send_without_the_sip_with_a_reason(
    coordinator: User, la_draft: Deployment
) -> None:
    """Rule: or the coordinator records why not: recorded on the agreement and its timeline."""
    deployment_send_for_signature(
        actor=coordinator, deployment=la_draft, sip_not_asked_reason="The SIP is on leave"
    )
    sent = refresh(la_draft)
    assert sent.status == DeploymentStatus.AWAITING_SIGNATURES
    assert (sent.sip_decision, sent.sip_comments) == (SipDecision.NOT_ASKED, "The SIP is on leave")
    assert Event.objects.filter(
        verb="deployment.sent_for_signature", summary__contains="The SIP is on leave"
    ).exists()


def test_made_and_sent_at_once_records_that_the_sip_was_not_asked(
    coordinator: User, la_request: SupportRequest, leader: LeaderProfile, sip: User
) -> None:
    """The API's default (its contract: waiting for signatures at once) says so on the record."""
    made = deployment_create(
        actor=coordinator, support_request=la_request, leader=leader, **agreement_kwargs()
    )
    assert made.status == DeploymentStatus.AWAITING_SIGNATURES
    assert (made.sip_decision, made.sip_comments) == (SipDecision.NOT_ASKED, SENT_AT_ONCE)


# Pages --------------------------------------------------------------------------------------------


def test_the_draft_page_shows_each_partys_state_and_send(
    login: Login, coordinator: User, bare_draft: Deployment
) -> None:
    deployment_prepare_invitation(
        actor=coordinator,
        deployment=bare_draft,
        party="client_headteacher",
        email="cara@ermine.test",
        name="Cara Client-Head",
    )
    page = login(coordinator).get(f"/deployments/{bare_draft.pk}/").content.decode()
    assert "This agreement is a draft." in page
    assert "Invitation ready: sent with the agreement" in page
    assert "No one with an account can sign" in page
    assert f"/deployments/{bare_draft.pk}/send/" in page


def test_the_invite_page_prepares_on_a_draft(
    login: Login, coordinator: User, bare_draft: Deployment
) -> None:
    client = login(coordinator)
    url = f"/deployments/{bare_draft.pk}/invite-signer/?party=client_headteacher"
    response = client.post(
        url, {"party": "client_headteacher", "name": "Cara Client-Head", "email": "cara@e.test"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert PreparedInvitation.objects.get().email == "cara@e.test"


def test_the_sip_sees_agree_this_support_agreement(
    login: Login, la_draft: Deployment, sip: User
) -> None:
    page = login(sip).get(f"/deployments/{la_draft.pk}/").content.decode()
    assert "Agree this support agreement" in page
    assert f"/deployments/{la_draft.pk}/sip-agreement/" in page


def test_the_sip_page_errors_are_govuk_style(login: Login, la_draft: Deployment, sip: User) -> None:
    client = login(sip)
    url = f"/deployments/{la_draft.pk}/sip-agreement/"
    page = client.post(url, {}).content.decode()
    assert "There is a problem" in page
    assert "Choose whether you agree the support agreement." in page
    page = client.post(url, {"decision": "changes", "comments": ""}).content.decode()
    assert "Say what should change." in page
    assert refresh(la_draft).sip_decision == ""
    response = client.post(url, {"decision": "agree", "comments": ""})
    assert response.status_code == 302
    assert refresh(la_draft).sip_decision == SipDecision.AGREED


def test_the_sip_page_is_refused_to_others(
    login: Login, la_draft: Deployment, coordinator: User
) -> None:
    assert login(coordinator).get(f"/deployments/{la_draft.pk}/sip-agreement/").status_code == 403


def test_the_send_page_asks_why_without_the_sip(
    login: Login, coordinator: User, la_draft: Deployment
) -> None:
    client = login(coordinator)
    url = f"/deployments/{la_draft.pk}/send/"
    page = client.get(url).content.decode()
    assert "Why send it without the SIP&#x27;s agreement?" in page
    page = client.post(url, {"sip_not_asked_reason": ""}).content.decode()
    assert "There is a problem" in page
    assert refresh(la_draft).status == DeploymentStatus.DRAFT
    response = client.post(url, {"sip_not_asked_reason": "The SIP is on leave"})
    assert response.status_code == 302
    assert refresh(la_draft).status == DeploymentStatus.AWAITING_SIGNATURES


# API ----------------------------------------------------------------------------------------------


def test_the_api_makes_a_draft_when_asked_and_refuses_sending_before_the_sip(
    api: Callable[[User | None], ApiClient],
    coordinator: User,
    la_request: SupportRequest,
    leader: LeaderProfile,
    parties: list[User],
    sip: User,
) -> None:
    body = {
        "support_request": la_request.pk,
        "leader": leader.pk,
        "starts_on": "2026-11-02",
        "ends_on": "2027-03-26",
        "full_days": 5,
        "aims": ["Maths"],
        "send_for_signature": False,
    }
    made = api(coordinator).post("/deployments", body)
    assert made.status_code == 201, made.json()
    assert made.json()["status"] == "draft"
    deployment_id = made.json()["id"]
    refused = api(coordinator).post(f"/deployments/{deployment_id}/send-for-signature", {})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "sip_agreement_needed"
    assert (
        api(coordinator)
        .post(f"/deployments/{deployment_id}/sip-agreement", {"decision": "agree"})
        .status_code
        == 403
    )
    no_comment = api(sip).post(
        f"/deployments/{deployment_id}/sip-agreement", {"decision": "changes"}
    )
    assert no_comment.status_code == 422
    agreed = api(sip).post(f"/deployments/{deployment_id}/sip-agreement", {"decision": "agree"})
    assert agreed.status_code == 200
    assert agreed.json()["sip_decision"] == "agreed"
    sent = api(coordinator).post(f"/deployments/{deployment_id}/send-for-signature", {})
    assert sent.status_code == 200
    assert sent.json()["status"] == "awaiting_signatures"
    again = api(coordinator).post(f"/deployments/{deployment_id}/send-for-signature", {})
    assert (again.status_code, again.json()["rule"]) == (409, "not_draft")


def test_the_api_default_still_waits_for_signatures(
    api: Callable[[User | None], ApiClient],
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    parties: list[User],
) -> None:
    """docs/api.md: POST /deployments → status awaiting_signatures (unchanged)."""
    made = api(coordinator).post(
        "/deployments",
        {
            "support_request": support_request.pk,
            "leader": leader.pk,
            "starts_on": "2026-11-02",
            "ends_on": "2027-03-26",
            "full_days": 5,
            "aims": ["Maths"],
        },
    )
    assert made.status_code == 201, made.json()
    assert made.json()["status"] == "awaiting_signatures"
