"""docs/rules.md, "The broker's agreement and code of conduct": a leader associated with a broker
who has not signed its current agreement is not deployable for it — matching excludes them with
the reason, and approaching them is refused with ``broker_agreement_unsigned``."""

from __future__ import annotations

import pytest
from django.core import mail

from syslead.accounts.models import User
from syslead.brokering.matching import shortlist
from syslead.brokering.models import Approach, SupportRequest
from syslead.brokering.services import approach_send, shortlist_save
from syslead.brokering.tests import factories
from syslead.core.exceptions import RuleViolation
from syslead.leaders.models import LeaderProfile
from syslead.leaders.services.agreements import agreement_publish, agreement_sign
from syslead.organisations.models import Organisation


@pytest.fixture
def two(alliance: Organisation) -> list[LeaderProfile]:
    return [
        factories.leader(
            factories.school(f"School {i}", lat=53.25 + 0.05 * i), organisation=alliance
        )
        for i in range(2)
    ]


def _publish(
    coordinator: User, alliance: Organisation, title: str = "Alliance LLE agreement"
) -> None:
    agreement_publish(
        actor=coordinator, organisation=alliance, title=title, text="Code of conduct for LLEs."
    )


def _sign(leader: LeaderProfile, alliance: Organisation) -> None:
    agreement = alliance.leader_agreements.order_by("-version").first()
    assert agreement is not None
    agreement_sign(actor=leader.user, agreement=agreement, signed_name="Me", confirmed=True)


def test_no_agreement_published_asks_no_signature(
    maths_request: SupportRequest, two: list[LeaderProfile]
) -> None:
    result = shortlist(maths_request)
    assert {c.leader_id for c in result.candidates} == {two[0].pk, two[1].pk}


def test_unsigned_leader_is_excluded_from_the_shortlist_with_the_reason(
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    two: list[LeaderProfile],
) -> None:
    """Rule: a leader who has not signed the broker's current agreement is not deployable for it;
    the shortlist shows why."""
    _publish(coordinator, alliance)
    _sign(two[0], alliance)
    result = shortlist(maths_request)
    assert [c.leader_id for c in result.candidates] == [two[0].pk]
    (excluded,) = result.excluded
    assert excluded.leader_id == two[1].pk
    assert excluded.rules == ("broker_agreement_unsigned",)
    assert "Has not signed" in excluded.reasons[0]
    assert "version 1" in excluded.reasons[0]


def test_a_new_version_makes_earlier_signatures_stop_counting(
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    two: list[LeaderProfile],
) -> None:
    """Rule: once a new version is published, a signature of an older version no longer counts."""
    _publish(coordinator, alliance)
    _sign(two[0], alliance)
    _sign(two[1], alliance)
    assert len(shortlist(maths_request).candidates) == 2
    _publish(coordinator, alliance, title="Alliance LLE agreement 2026")
    assert shortlist(maths_request).candidates == []
    _sign(two[1], alliance)
    assert [c.leader_id for c in shortlist(maths_request).candidates] == [two[1].pk]


def test_approaching_an_unsigned_leader_is_refused_with_a_clear_reason(
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    two: list[LeaderProfile],
) -> None:
    """Rule: the brokering checks refuse a leader who has not signed
    (``broker_agreement_unsigned``), naming them and the agreement's version; nothing is sent."""
    shortlist_save(actor=coordinator, request=maths_request, reason="Only two maths leaders.")
    _publish(coordinator, alliance)
    leader = two[0]
    with pytest.raises(RuleViolation) as caught:
        approach_send(actor=coordinator, request=maths_request, leader=leader)
    assert caught.value.rule == "broker_agreement_unsigned"
    assert leader.user.get_full_name() in caught.value.message
    assert "(version 1)" in caught.value.message
    assert not Approach.objects.filter(support_request=maths_request).exists()
    assert mail.outbox == []
    _sign(leader, alliance)
    approach_send(actor=coordinator, request=maths_request, leader=leader)
    assert Approach.objects.filter(support_request=maths_request, leader=leader).exists()


def test_another_brokers_agreement_does_not_bear_on_this_broker(
    coordinator: User,
    other_coordinator: User,
    other_org: Organisation,
    maths_request: SupportRequest,
    two: list[LeaderProfile],
) -> None:
    """Rule: not deployable for *that* broker only: another broker's unsigned agreement (the
    leader is not associated with it) changes nothing here."""
    agreement_publish(
        actor=other_coordinator, organisation=other_org, title="Other", text="Other terms."
    )
    assert len(shortlist(maths_request).candidates) == 2
