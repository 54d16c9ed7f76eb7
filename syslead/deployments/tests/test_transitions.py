"""The agreement's transition table (docs/transitions.md: The deployment agreement): every row is
reachable through a service and records its event; a step from a state the row does not list is
refused with its rule and a sentence; the pages offer exactly what the table allows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import ApiClient, make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route, SupportRequest
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.deployments import services
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.tests.factories import close_together, make_leader
from syslead.deployments.transitions import AGREEMENT, DISPUTE, change_actions
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import NamedSip

S = DeploymentStatus
Step = Callable[[dict[str, Any], Deployment], Deployment]


@pytest.fixture
def new_leader(alliance: Organisation) -> LeaderProfile:
    school = make_school(120020, "Bracebridge Heath St John's")
    user = make_user("nia@bracebridge.test", "Nia New-Leader", (Role.SYSTEM_LEADER, None))
    return make_leader(user, school, alliance)


@pytest.fixture
def world(
    agreement: Deployment,
    coordinator: User,
    parties: list[User],
    leader_user: User,
    client_head: User,
    new_leader: LeaderProfile,
    sign_all: Callable[[Deployment], Deployment],
) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "coordinator": coordinator,
        "parties": parties,
        "leader_user": leader_user,
        "client_head": client_head,
        "new_leader": new_leader,
        "sign_all": sign_all,
    }


def _at(w: dict[str, Any], status: str) -> Deployment:
    """The agreement, put in ``status`` (a test's shortcut: the services are what is tested)."""
    deployment: Deployment = w["agreement"]
    Deployment.objects.filter(pk=deployment.pk).update(status=status)
    deployment.refresh_from_db()
    return deployment


def _again(w: dict[str, Any]) -> Deployment:
    return Deployment.objects.get(pk=w["agreement"].pk)


def _sign_last(w: dict[str, Any], d: Deployment) -> Deployment:
    for person in w["parties"][:3]:
        d = services.deployment_sign(actor=person, deployment=d)
    return services.deployment_sign(actor=w["parties"][3], deployment=d)


def _sign_on_paper(w: dict[str, Any], d: Deployment) -> Deployment:
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return services.deployment_sign_on_paper(
        actor=w["coordinator"],
        deployment=d,
        party="client_headteacher",
        signer_name="Cath Client",
        signed_on=d.created_at.date(),
        reason="No account yet",
        scan=scan,
    )


def _replace(w: dict[str, Any], d: Deployment) -> Deployment:
    services.deployment_replace_leader(
        actor=w["coordinator"], deployment=d, new_leader=w["new_leader"], reason="Left"
    )
    return _again(w)


def _amend(w: dict[str, Any], d: Deployment) -> Deployment:
    services.deployment_amend(actor=w["coordinator"], deployment=d, reason="More", full_days=6)
    return _again(w)


def _cancel_amendment(w: dict[str, Any], d: Deployment) -> Deployment:
    amended = services.deployment_amend(
        actor=w["coordinator"], deployment=d, reason="More", full_days=6
    )
    services.deployment_cancel(actor=w["coordinator"], deployment=amended, reason="Declined")
    return _again(w)


def _la_route_with_sip(w: dict[str, Any], d: Deployment) -> User:
    """Put the agreement's request on the local authority route, its school with a named SIP of
    the agreement's organisation (docs/rules.md, "The school's named SIP")."""
    SupportRequest.objects.filter(pk=d.support_request_id).update(route=Route.LOCAL_AUTHORITY)
    d.support_request.refresh_from_db()
    organisation = Organisation.objects.get(pk=d.organisation_id)
    sip = make_user("sid@la.test", "Sid Partner", (Role.SIP, organisation))
    NamedSip.objects.create(
        school_id=d.client_school_id,
        organisation=organisation,
        sip=sip,
        starts_on=timezone.localdate(),
    )
    return sip


def _sip_agree(w: dict[str, Any], d: Deployment) -> Deployment:
    sip = _la_route_with_sip(w, d)
    return services.deployment_sip_agree(actor=sip, deployment=d)


def _sip_request_changes(w: dict[str, Any], d: Deployment) -> Deployment:
    sip = _la_route_with_sip(w, d)
    return services.deployment_sip_request_changes(
        actor=sip, deployment=d, comments="Two more days"
    )


def _prepare_invitation(w: dict[str, Any], d: Deployment) -> Deployment:
    # No one with an account heads the supported school any more.
    w["client_head"].role_assignments.all().delete()
    services.deployment_prepare_invitation(
        actor=w["coordinator"],
        deployment=d,
        party="client_headteacher",
        email="cara@client.test",
        name="Cara Head",
    )
    return _again(w)


def _state(w: dict[str, Any], d: Deployment) -> Deployment:
    services.deployment_state_delivery(actor=w["leader_user"], deployment=d, fully_delivered=True)
    return _again(w)


def _sign_off(w: dict[str, Any], d: Deployment) -> Deployment:
    if d.status in AGREEMENT["state_delivery"].sources:  # the statement comes first
        _state(w, d)
    services.deployment_sign_off(actor=w["client_head"], deployment=d)
    return _again(w)


def _decide(w: dict[str, Any], d: Deployment) -> Deployment:
    if d.status in AGREEMENT["state_delivery"].sources:
        _state(w, d)
    services.deployment_decide_further_support(
        actor=w["coordinator"], deployment=d, decision="none"
    )
    return _again(w)


def _complete(w: dict[str, Any], d: Deployment) -> Deployment:
    if d.status in AGREEMENT["complete"].sources:  # closed together first
        close_together(d, leader=w["leader_user"], head=w["client_head"], decider=w["coordinator"])
    return services.deployment_complete(
        actor=w["coordinator"], deployment=d, completed_on=d.ends_on
    )


#: Each row: a state it starts from, and the service call taking it (returning the agreement).
REACH: dict[str, tuple[str, Step]] = {
    "prepare_invitation": (S.DRAFT, _prepare_invitation),
    "sip_agree": (S.DRAFT, _sip_agree),
    "sip_request_changes": (S.DRAFT, _sip_request_changes),
    "send_for_signature": (
        S.DRAFT,
        lambda w, d: services.deployment_send_for_signature(actor=w["coordinator"], deployment=d),
    ),
    "sign": (
        S.AWAITING_SIGNATURES,
        lambda w, d: services.deployment_sign(actor=w["leader_user"], deployment=d),
    ),
    "sign_on_paper": (S.AWAITING_SIGNATURES, _sign_on_paper),
    "activate": (S.AWAITING_SIGNATURES, _sign_last),
    "update": (
        S.AWAITING_SIGNATURES,
        lambda w, d: services.deployment_update(
            actor=w["coordinator"], deployment=d, intervals="Weekly"
        ),
    ),
    "cancel": (
        S.AWAITING_SIGNATURES,
        lambda w, d: services.deployment_cancel(
            actor=w["coordinator"], deployment=d, reason="Not needed"
        ),
    ),
    "pause": (
        S.ACTIVE,
        lambda w, d: services.deployment_pause(
            actor=w["coordinator"], deployment=d, reason="Sickness"
        ),
    ),
    "resume": (
        S.PAUSED,
        lambda w, d: services.deployment_resume(
            actor=w["coordinator"], deployment=d, reason="Back"
        ),
    ),
    "complete": (S.ACTIVE, _complete),
    "state_delivery": (S.ACTIVE, _state),
    "sign_off": (S.PAUSED, _sign_off),
    "decide_further_support": (S.ACTIVE, _decide),
    "raise_dispute": (
        S.AWAITING_SIGNATURES,
        lambda w, d: (
            services.dispute_raise(actor=w["client_head"], deployment=d, what="x").deployment
        ),
    ),
    "end_early": (
        S.PAUSED,
        lambda w, d: services.deployment_end_early(
            actor=w["coordinator"], deployment=d, reason="Not working"
        ),
    ),
    "replace_leader": (S.ACTIVE, _replace),
    "amend": (S.ACTIVE, _amend),
    "restore": (S.ACTIVE, _cancel_amendment),
    "record_change": (
        S.ACTIVE,
        lambda w, d: (
            services.deployment_record_change(
                actor=w["coordinator"], deployment=d, kind="other", reason="A note"
            ).deployment
        ),
    ),
    "request_exit": (
        S.ACTIVE,
        lambda w, d: (
            services.deployment_request_exit(
                actor=w["client_head"], deployment=d, reason="Concerns"
            ).deployment
        ),
    ),
    "report_unavailable": (
        S.PAUSED,
        lambda w, d: (
            services.deployment_report_unavailable(
                actor=w["leader_user"], deployment=d, reason="Sickness"
            ).deployment
        ),
    ),
}


def test_every_row_of_the_agreement_table_has_a_service_that_takes_it() -> None:
    assert set(REACH) == {row.name for row in AGREEMENT}


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_agreement_transition_is_reached_through_its_service_and_records_its_event(
    name: str, world: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    row = AGREEMENT[name]
    start, call = REACH[name]
    before = Event.objects.filter(verb=row.records).count()
    moved = call(world, _at(world, start))
    moved.refresh_from_db()
    assert moved.status == (row.target if row.target is not None else start)
    assert Event.objects.filter(verb=row.records).count() > before


#: Rows a person takes (automatic ones follow another step and are never refused on their own).
CHOSEN = sorted(name for name in REACH if not AGREEMENT[name].automatic)


@pytest.mark.parametrize("name", CHOSEN)
def test_each_agreement_transition_from_a_state_it_does_not_list_is_refused_with_its_rule(
    name: str, world: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    row = AGREEMENT[name]
    # A state the row does not start from, not over if it can be (those are read-only).
    wrong = next(
        (s for s in (S.AWAITING_SIGNATURES, S.ACTIVE, S.PAUSED, S.DRAFT) if s not in row.sources),
        S.COMPLETED,
    )
    deployment = _at(world, wrong)
    events = Event.objects.count()
    with pytest.raises(RuleViolation) as refused:
        REACH[name][1](world, deployment)
    assert refused.value.rule == (row.rule or AGREEMENT.rule)
    # The refusal names the state (quoted as pages show it, or in a sentence of the row's own).
    assert deployment.get_status_display().lower() in str(refused.value).lower()
    assert _again(world).status == wrong
    assert Event.objects.count() == events


@pytest.mark.parametrize("over", [S.COMPLETED, S.ENDED_EARLY, S.CANCELLED, S.SUPERSEDED])
def test_an_agreement_that_is_over_refuses_every_change_as_read_only(
    over: str, world: dict[str, Any]
) -> None:
    deployment = _at(world, over)
    with pytest.raises(RuleViolation) as refused:
        services.deployment_pause(actor=world["coordinator"], deployment=deployment, reason="x")
    assert refused.value.rule == "read_only"
    assert "read-only" in str(refused.value)


def test_an_illegal_transition_through_the_api_is_a_409_with_its_rule(
    world: dict[str, Any], api: Callable[[User | None], ApiClient]
) -> None:
    deployment = _at(world, S.PAUSED)
    response = api(world["client_head"]).post(f"/deployments/{deployment.pk}/sign")
    assert response.status_code == 409
    assert response.json()["rule"] == "not_awaiting_signatures"


def test_the_change_page_offers_exactly_the_actions_the_table_allows(
    world: dict[str, Any], client: Client
) -> None:
    coordinator = world["coordinator"]
    assert change_actions(coordinator, _at(world, S.ACTIVE)) == [
        "",
        "pause",
        "replace",
        "amend",
        "end_early",
    ]
    assert change_actions(coordinator, _at(world, S.PAUSED)) == [
        "",
        "resume",
        "replace",
        "amend",
        "end_early",
    ]
    assert change_actions(coordinator, _at(world, S.AWAITING_SIGNATURES)) == [""]
    assert change_actions(world["leader_user"], _at(world, S.ACTIVE)) == []
    client.force_login(coordinator)
    page = client.get(reverse("deployments:detail", args=[world["agreement"].pk])).content
    assert b"Amend the terms" in page
    assert b"Change the terms" not in page
    _at(world, S.AWAITING_SIGNATURES)
    page = client.get(reverse("deployments:detail", args=[world["agreement"].pk])).content
    assert b"Amend the terms" not in page
    assert b"Change the terms" in page


def test_docs_transitions_shows_the_agreement_table_as_the_code_has_it() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    assert AGREEMENT.as_markdown() in text
    assert DISPUTE.as_markdown() in text
