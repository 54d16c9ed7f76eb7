"""From shortlist to choice (docs/rules.md, Requests: shortlist three, ask each for provisional
agreement, the headteacher picks one, repeated until all agree), swaps with a reason, sharing
leaders between brokers, and direct approaches."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.brokering.matching import shortlist
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    CommissionStatus,
    RequestStatus,
    Route,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.selectors import (
    commissions_awaiting_decision,
    direct_approaches,
    live_shortlist,
    request_timeline,
    support_request_for_user,
)
from syslead.brokering.services import (
    approach_respond,
    approach_send,
    approach_withdraw,
    commission_decide,
    commission_offer,
    direct_approach_record,
    request_choose,
    shortlist_save,
    shortlist_swap,
)
from syslead.brokering.tests import factories
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import LeaderProfile, ReleaseAgreement
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture
def three(alliance: Organisation) -> list[LeaderProfile]:
    """Three maths SLEs of the alliance, nearest first."""
    return [
        factories.leader(
            factories.school(f"School {i}", lat=53.25 + 0.05 * i), organisation=alliance
        )
        for i in range(3)
    ]


def _refresh(request: SupportRequest) -> SupportRequest:
    request.refresh_from_db()
    return request


def test_coordinator_saves_a_shortlist_of_three_best_first(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    factories.leader(factories.school("Far", lat=54.5), organisation=maths_request.organisation)
    entries = shortlist_save(actor=coordinator, request=maths_request)
    assert [e.leader_id for e in entries] == [leader.pk for leader in three]
    assert [e.rank for e in entries] == [1, 2, 3]
    assert entries[0].reasons[0] == "Specialism: maths matches (30/30)"
    assert _refresh(maths_request).status == RequestStatus.SHORTLISTED
    assert request_timeline(maths_request)[-1].summary.startswith("Shortlist of 3: Leader")


def test_only_a_coordinator_of_the_organisation_saves_a_shortlist(
    broker_lead: User,
    other_coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    three: list[LeaderProfile],
) -> None:
    for user in (broker_lead, other_coordinator, client_head):
        with pytest.raises(NotAllowed):
            shortlist_save(actor=user, request=maths_request)


def test_no_candidate_is_a_rule_violation(coordinator: User, maths_request: SupportRequest) -> None:
    with pytest.raises(RuleViolation) as caught:
        shortlist_save(actor=coordinator, request=maths_request)
    assert caught.value.rule == "no_candidates"


def test_swap_needs_a_reason_and_records_it(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile], alliance: Any
) -> None:
    entries = shortlist_save(actor=coordinator, request=maths_request)
    fourth = factories.leader(factories.school("Fourth", lat=53.6), organisation=alliance)
    with pytest.raises(ValidationError):
        shortlist_swap(actor=coordinator, entry=entries[1], new_leader=fourth, reason=" ")
    swapped = shortlist_swap(
        actor=coordinator, entry=entries[1], new_leader=fourth, reason="Knows the school's context"
    )
    assert swapped.swapped_in
    assert swapped.swap_reason == "Knows the school's context"
    assert swapped.rank == 2
    assert [e.leader_id for e in live_shortlist(maths_request)] == [
        three[0].pk,
        fourth.pk,
        three[2].pk,
    ]
    assert "because Knows the school's context" in request_timeline(maths_request)[-1].summary


def test_swapped_in_leader_must_pass_the_hard_rules(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile], alliance: Any
) -> None:
    entries = shortlist_save(actor=coordinator, request=maths_request)
    untrained = factories.leader(factories.school("U"), organisation=alliance, trained=False)
    with pytest.raises(RuleViolation) as caught:
        shortlist_swap(actor=coordinator, entry=entries[0], new_leader=untrained, reason="Why not")
    assert caught.value.rule == "core_training"
    assert "Core training not completed" in caught.value.message


def test_swapped_in_leader_must_belong_to_the_organisation(
    coordinator: User,
    maths_request: SupportRequest,
    three: list[LeaderProfile],
    other_org: Organisation,
) -> None:
    entries = shortlist_save(actor=coordinator, request=maths_request)
    outsider = factories.leader(factories.school("O"), organisation=other_org)
    with pytest.raises(RuleViolation) as caught:
        shortlist_swap(actor=coordinator, entry=entries[0], new_leader=outsider, reason="Good")
    assert caught.value.rule == "not_considered"


def _approach_all(coordinator: User, request: SupportRequest) -> list[Any]:
    return [
        approach_send(actor=coordinator, request=request, leader=entry.leader)
        for entry in live_shortlist(request)
    ]


def test_approaching_a_leader_emails_them_and_marks_the_request(
    coordinator: User,
    maths_request: SupportRequest,
    three: list[LeaderProfile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    with django_capture_on_commit_callbacks(execute=True):
        approach = approach_send(
            actor=coordinator, request=maths_request, leader=three[0], message="Are you free?"
        )
    assert approach.status == ApproachStatus.PENDING
    assert _refresh(maths_request).status == RequestStatus.APPROACHING
    [email] = mail.outbox
    assert email.to == [three[0].user.email]
    assert "Ermine Primary Academy" in email.subject
    assert "Are you free?" in email.body
    # The e-mail links straight to the page where the leader answers.
    assert f"/requests/approaches/{approach.pk}/" in email.body


def test_only_shortlisted_leaders_are_approached_and_only_once(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile], alliance: Any
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approach_send(actor=coordinator, request=maths_request, leader=three[0])
    with pytest.raises(RuleViolation) as caught:
        approach_send(actor=coordinator, request=maths_request, leader=three[0])
    assert caught.value.rule == "already_approached"
    extra = factories.leader(factories.school("Extra"), organisation=alliance)
    with pytest.raises(RuleViolation) as caught:
        approach_send(actor=coordinator, request=maths_request, leader=extra)
    assert caught.value.rule == "not_shortlisted"


def test_a_leader_whose_account_is_closed_is_never_asked(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    """Rule (docs/rules.md, "Nobody waits on someone without an account"): an approach to a
    leader who cannot sign in is refused, naming them, and nothing is written or sent."""
    shortlist_save(actor=coordinator, request=maths_request)
    closed = three[0]
    closed.user.is_active = False
    closed.user.save(update_fields=["is_active"])
    with pytest.raises(RuleViolation) as caught:
        approach_send(actor=coordinator, request=maths_request, leader=closed)
    assert caught.value.rule == "leader_account_closed"
    assert closed.user.get_full_name() in caught.value.message
    assert not Approach.objects.filter(support_request=maths_request).exists()
    assert mail.outbox == []
    # Another leader is asked as usual.
    approach_send(actor=coordinator, request=maths_request, leader=three[1])


def test_only_the_leader_approached_answers_and_a_decline_needs_a_reason(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=three[0])
    with pytest.raises(NotAllowed):
        approach_respond(actor=coordinator, approach=approach, accept=True)
    with pytest.raises(NotAllowed):
        approach_respond(actor=three[1].user, approach=approach, accept=True)
    with pytest.raises(ValidationError):
        approach_respond(actor=three[0].user, approach=approach, accept=False, reason="")
    declined = approach_respond(
        actor=three[0].user, approach=approach, accept=False, reason="Ofsted due at my school"
    )
    assert declined.status == ApproachStatus.DECLINED
    assert declined.decline_reason == "Ofsted due at my school"
    with pytest.raises(RuleViolation):
        approach_respond(actor=three[0].user, approach=approach, accept=True)


def test_the_headteacher_chooses_among_those_who_agreed(
    coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    three: list[LeaderProfile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approaches = _approach_all(coordinator, maths_request)
    approach_respond(actor=three[0].user, approach=approaches[0], accept=True)
    approach_respond(actor=three[1].user, approach=approaches[1], accept=False, reason="Busy")
    assert _refresh(maths_request).status == RequestStatus.APPROACHING
    approach_respond(actor=three[2].user, approach=approaches[2], accept=True)
    assert _refresh(maths_request).status == RequestStatus.AWAITING_CHOICE
    with pytest.raises(RuleViolation) as caught:
        request_choose(actor=client_head, request=maths_request, leader=three[1])
    assert caught.value.rule == "not_accepted"
    with pytest.raises(NotAllowed):
        request_choose(actor=coordinator, request=maths_request, leader=three[2])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chosen = request_choose(actor=client_head, request=maths_request, leader=three[2])
    assert chosen.status == RequestStatus.MATCHED
    assert chosen.chosen_leader == three[2]
    # The moment of the choice starts the first meeting's 10 school days (docs/rules.md).
    assert chosen.chosen_at is not None
    statuses = {a.leader_id: a.status for a in chosen.approaches.all()}
    assert statuses == {
        three[0].pk: ApproachStatus.NOT_CHOSEN,
        three[1].pk: ApproachStatus.DECLINED,
        three[2].pk: ApproachStatus.CHOSEN,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [three[0].user.email, three[2].user.email]
    )
    assert request_timeline(chosen)[-1].summary == f"{three[2].user.name} chosen"


def test_choosing_needs_the_home_schools_release_for_the_year(
    coordinator: User, client_head: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=three[0])
    approach_respond(actor=three[0].user, approach=approach, accept=True)
    ReleaseAgreement.objects.filter(leader=three[0]).delete()
    with pytest.raises(RuleViolation) as caught:
        request_choose(actor=client_head, request=maths_request, leader=three[0])
    assert caught.value.rule == "no_release"


def test_on_the_la_route_a_coordinator_records_the_heads_choice(
    coordinator: User, client_school: School, alliance: Organisation, three: list[LeaderProfile]
) -> None:
    request = factories.support_request(
        client_school, alliance, route=Route.LOCAL_AUTHORITY, la_criteria=["leadership_ri"]
    )
    shortlist_save(actor=coordinator, request=request)
    approach = approach_send(actor=coordinator, request=request, leader=three[0])
    approach_respond(actor=three[0].user, approach=approach, accept=True)
    chosen = request_choose(actor=coordinator, request=request, leader=three[0])
    assert chosen.status == RequestStatus.MATCHED
    last = request_timeline(chosen)[-1]
    assert last.summary.endswith("chosen on the headteacher's behalf")
    assert last.data["on_behalf_of_headteacher"] is True


def test_when_everyone_declines_the_request_opens_for_another_round(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile], alliance: Any
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approaches = _approach_all(coordinator, maths_request)
    for leader, approach in zip(three, approaches, strict=True):
        approach_respond(actor=leader.user, approach=approach, accept=False, reason="No time")
    assert _refresh(maths_request).status == RequestStatus.OPEN
    assert live_shortlist(maths_request) == []
    assert "open again for another round" in request_timeline(maths_request)[-1].summary
    fresh = factories.leader(factories.school("Fresh", lat=53.7), organisation=alliance)
    entries = shortlist_save(actor=coordinator, request=maths_request, reason="Only one left")
    assert [e.leader_id for e in entries] == [fresh.pk]


def test_withdrawing_the_last_open_approach_reopens_the_request(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=three[0])
    with pytest.raises(ValidationError):
        approach_withdraw(actor=coordinator, approach=approach, reason="")
    approach_withdraw(actor=coordinator, approach=approach, reason="No answer in two weeks")
    assert _refresh(maths_request).status == RequestStatus.OPEN


def test_a_leader_approached_can_see_the_request(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    approach_send(actor=coordinator, request=maths_request, leader=three[0])
    assert support_request_for_user(three[0].user, maths_request.pk) == maths_request
    from django.http import Http404

    with pytest.raises(Http404):
        support_request_for_user(three[1].user, maths_request.pk)


# --- Sharing between brokers -------------------------------------------------------------------


@pytest.fixture
def shared_leader(other_org: Organisation) -> LeaderProfile:
    """An LLE associated (exclusively) with South Gloucestershire."""
    return factories.leader(
        factories.school("Shared Primary", lat=53.3), organisation=other_org, exclusive=True
    )


def test_owning_organisation_offers_only_when_asked_and_then_approves(
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared_leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    assert shortlist(maths_request).considered == 0
    with pytest.raises(NotAllowed):
        commission_offer(actor=other_coordinator, request=maths_request, leader=shared_leader)
    commission = commission_offer(actor=coordinator, request=maths_request, leader=shared_leader)
    assert commission.status == CommissionStatus.PROPOSED
    assert commission.owning_organisation == other_org
    assert commissions_awaiting_decision(other_org) == [commission]
    assert shortlist(maths_request).considered == 0
    approved = commission_decide(actor=other_coordinator, commission=commission, approve=True)
    assert approved.status == CommissionStatus.APPROVED
    assert [c.leader_id for c in shortlist(maths_request).candidates] == [shared_leader.pk]


def test_requesting_organisation_asks_and_only_the_owner_decides(
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared_leader: LeaderProfile,
) -> None:
    commission = commission_offer(
        actor=coordinator, request=maths_request, leader=shared_leader, note="Need an LLE"
    )
    with pytest.raises(NotAllowed):
        commission_decide(actor=coordinator, commission=commission, approve=True)
    with pytest.raises(ValidationError):
        commission_decide(actor=other_coordinator, commission=commission, approve=False)
    refused = commission_decide(
        actor=other_coordinator, commission=commission, approve=False, note="Fully booked"
    )
    assert refused.status == CommissionStatus.REFUSED
    assert shortlist(maths_request).considered == 0
    assert "refused to share" in request_timeline(maths_request)[-1].summary
    # The owning organisation's coordinator now sees the request it was asked about.
    assert support_request_for_user(other_coordinator, maths_request.pk) == maths_request


def test_a_third_organisation_may_not_offer_someone_elses_leader(
    maths_request: SupportRequest, shared_leader: LeaderProfile
) -> None:
    third = Organisation.objects.create(name="Third TSA", kind="teaching_school_alliance", slug="t")
    outsider = make_user("tom@third.test", "Tom", (Role.COORDINATOR, third))
    with pytest.raises(NotAllowed):
        commission_offer(actor=outsider, request=maths_request, leader=shared_leader)


def test_leaders_already_associated_are_not_commissioned(
    coordinator: User, maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    with pytest.raises(RuleViolation) as caught:
        commission_offer(actor=coordinator, request=maths_request, leader=lee)
    assert caught.value.rule == "already_associated"


def test_a_leader_is_proposed_once_per_request(
    coordinator: User, maths_request: SupportRequest, shared_leader: LeaderProfile
) -> None:
    commission_offer(actor=coordinator, request=maths_request, leader=shared_leader)
    with pytest.raises(RuleViolation) as caught:
        commission_offer(actor=coordinator, request=maths_request, leader=shared_leader)
    assert caught.value.rule == "already_commissioned"


# --- Direct approaches -------------------------------------------------------------------------


def test_leader_tells_their_broker_of_a_direct_approach(
    lee: LeaderProfile, alliance: Organisation, maths_request: SupportRequest
) -> None:
    direct_approach_record(
        actor=lee.user,
        leader=lee,
        approached_by="Lincoln Diocese",
        details="Asked for two days of leadership coaching.",
        school_urn=maths_request.school_id,
        request=maths_request,
    )
    [event] = direct_approaches(alliance)
    assert event.summary.startswith("Lee Leader was approached directly by Lincoln Diocese")
    assert "Ermine Primary Academy" in event.summary
    assert events_for(lee).count() == 1
    assert request_timeline(maths_request)[-1].verb == "request.direct_approach"


def test_a_leader_telling_of_a_direct_approach_notifies_their_brokers_coordinators(
    lee: LeaderProfile, coordinator: User, other_coordinator: User
) -> None:
    """docs/rules.md: "A leader approached directly ... tells their broker, which records it": the
    service itself tells the coordinators of the leader's organisation, whichever page calls it;
    a coordinator recording it tells no one else."""
    from syslead.notifications.models import Notification

    direct_approach_record(actor=lee.user, leader=lee, approached_by="Lincoln Diocese")
    told = set(
        Notification.objects.filter(verb="brokering.direct_approach").values_list("user", flat=True)
    )
    assert told == {coordinator.pk}
    direct_approach_record(actor=coordinator, leader=lee, approached_by="A trust")
    assert Notification.objects.filter(verb="brokering.direct_approach").count() == 1


def test_only_the_leader_or_their_broker_records_a_direct_approach(
    lee: LeaderProfile, coordinator: User, other_coordinator: User, stranger: User
) -> None:
    direct_approach_record(actor=coordinator, leader=lee, approached_by="A school")
    for user in (other_coordinator, stranger):
        with pytest.raises(NotAllowed):
            direct_approach_record(actor=user, leader=lee, approached_by="A school")
    with pytest.raises(ValidationError):
        direct_approach_record(actor=coordinator, leader=lee, approached_by="")


def test_saved_shortlist_scores_match_the_live_shortlist(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    live = shortlist(maths_request).candidates
    shortlist_save(actor=coordinator, request=maths_request)
    saved = ShortlistEntry.objects.filter(support_request=maths_request, is_live=True)
    assert [e.score for e in saved] == [c.score_shown for c in live]
