"""docs/rules.md, "The broker's agreement and code of conduct": the broker's versioned text, the
associated leader's signature, the named contact at the broker, the flags and the reminder."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import (
    AgreementSignature,
    Association,
    BrokerAgreement,
    Designation,
    LeaderProfile,
)
from syslead.leaders.selectors import leader_flags, leader_with_related
from syslead.leaders.selectors.agreements import unsigned_leader_ids
from syslead.leaders.services.agreements import (
    agreement_publish,
    agreement_remind,
    agreement_sign,
    association_contact_set,
)
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Capture = Any
Login = Any


@pytest.fixture
def kyra(coordinator: User, alliance: Organisation) -> BrokerAgreement:
    return agreement_publish(
        actor=coordinator,
        organisation=alliance,
        title="Alliance LLE agreement",
        text="LLEs will treat all those they work with, with courtesy and respect.",
    )


@pytest.fixture
def association(lle: Designation) -> Association:
    return Association.objects.get(leader=lle.leader, is_live=True)


def test_publishing_again_makes_a_new_current_version(
    coordinator: User, alliance: Organisation, kyra: BrokerAgreement
) -> None:
    """Rule: the broker's text is versioned; publishing again numbers a new version, never edits
    the old one."""
    second = agreement_publish(
        actor=coordinator, organisation=alliance, title="Alliance agreement 2026", text="New terms."
    )
    assert (kyra.version, second.version) == (1, 2)
    kyra.refresh_from_db()
    assert kyra.text.startswith("LLEs will treat")


def test_only_the_brokers_coordinators_publish_and_the_text_is_required(
    other_coordinator: User, broker_lead: User, coordinator: User, alliance: Organisation
) -> None:
    for outsider in (other_coordinator, broker_lead):
        with pytest.raises(NotAllowed):
            agreement_publish(actor=outsider, organisation=alliance, title="T", text="X")
    with pytest.raises(ValidationError) as caught:
        agreement_publish(actor=coordinator, organisation=alliance, title=" ", text="")
    assert set(caught.value.message_dict) == {"title", "text"}


def test_the_associated_leader_signs_with_name_and_confirmation(
    leader: LeaderProfile, leader_user: User, association: Association, kyra: BrokerAgreement
) -> None:
    """Rule: the LLE signs from their own pages: typed name, ticked confirmation, timestamp and
    version are kept."""
    with pytest.raises(ValidationError) as caught:
        agreement_sign(actor=leader_user, agreement=kyra, signed_name="", confirmed=False)
    assert set(caught.value.message_dict) == {"signed_name", "confirmed"}
    signature = agreement_sign(
        actor=leader_user, agreement=kyra, signed_name="Lee Leader", confirmed=True
    )
    assert signature.agreement.version == 1
    assert signature.signed_name == "Lee Leader"
    assert signature.signed_at is not None
    with pytest.raises(RuleViolation) as again:
        agreement_sign(actor=leader_user, agreement=kyra, signed_name="Lee", confirmed=True)
    assert again.value.rule == "agreement_already_signed"


def test_only_a_leader_associated_with_the_broker_signs(
    client_school: School, other_coordinator: User, other_org: Organisation, kyra: BrokerAgreement
) -> None:
    outsider = make_leader(school=client_school, name="Olu Outsider")
    associate(outsider, other_org)
    with pytest.raises(NotAllowed):
        agreement_sign(actor=outsider.user, agreement=kyra, signed_name="Olu", confirmed=True)
    with pytest.raises(NotAllowed):
        agreement_sign(actor=other_coordinator, agreement=kyra, signed_name="O", confirmed=True)


def test_an_older_version_can_no_longer_be_signed_nor_counts(
    coordinator: User,
    alliance: Organisation,
    leader: LeaderProfile,
    leader_user: User,
    association: Association,
    kyra: BrokerAgreement,
) -> None:
    """Rule: once a new version is published, an older signature no longer counts and the older
    version cannot be signed."""
    agreement_sign(actor=leader_user, agreement=kyra, signed_name="Lee Leader", confirmed=True)
    assert leader.pk not in unsigned_leader_ids(alliance.pk)
    second = agreement_publish(
        actor=coordinator, organisation=alliance, title="Version two", text="New terms."
    )
    assert leader.pk in unsigned_leader_ids(alliance.pk)
    AgreementSignature.objects.filter(agreement=kyra).delete()
    with pytest.raises(RuleViolation) as caught:
        agreement_sign(actor=leader_user, agreement=kyra, signed_name="Lee", confirmed=True)
    assert caught.value.rule == "agreement_not_current"
    agreement_sign(actor=leader_user, agreement=second, signed_name="Lee", confirmed=True)
    assert leader.pk not in unsigned_leader_ids(alliance.pk)


def test_unsigned_leader_is_flagged_not_deployable_for_that_broker(
    leader: LeaderProfile, leader_user: User, association: Association, kyra: BrokerAgreement
) -> None:
    """Rule: an LLE who has not signed is flagged (not deployable for that broker)."""
    flags = leader_flags(leader_with_related(leader.pk), "2025-26")
    assert any(
        "Not deployable for" in f and "has not signed" in f and "version 1" in f for f in flags
    )
    agreement_sign(actor=leader_user, agreement=kyra, signed_name="Lee Leader", confirmed=True)
    flags = leader_flags(leader_with_related(leader.pk), "2025-26")
    assert not any("has not signed" in f for f in flags)


def test_no_flag_while_the_broker_has_published_no_agreement(
    leader: LeaderProfile, association: Association
) -> None:
    flags = leader_flags(leader_with_related(leader.pk), "2025-26")
    assert not any("has not signed" in f for f in flags)


def test_the_contact_is_one_of_the_brokers_staff(
    coordinator: User,
    broker_lead: User,
    other_coordinator: User,
    association: Association,
) -> None:
    """Rule: each association names a contact at the broker (a coordinator or broker lead)."""
    with pytest.raises(ValidationError):
        association_contact_set(
            actor=coordinator, association=association, contact=other_coordinator
        )
    association_contact_set(actor=coordinator, association=association, contact=broker_lead)
    association.refresh_from_db()
    assert association.contact == broker_lead
    with pytest.raises(NotAllowed):
        association_contact_set(
            actor=other_coordinator, association=association, contact=broker_lead
        )


def test_remind_sends_the_leader_a_message_and_an_email(
    coordinator: User,
    leader_user: User,
    association: Association,
    kyra: BrokerAgreement,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Rule: "needs attention" offers to remind an unsigned leader, through the notifications."""
    with django_capture_on_commit_callbacks(execute=True):
        agreement_remind(actor=coordinator, association=association)
    notification = Notification.objects.get(user=leader_user)
    assert notification.url == reverse("leaders:agreement_sign", args=[kyra.pk])
    assert [m.to for m in mail.outbox] == [[leader_user.email]]
    agreement_sign(actor=leader_user, agreement=kyra, signed_name="Lee", confirmed=True)
    with pytest.raises(RuleViolation) as caught:
        agreement_remind(actor=coordinator, association=association)
    assert caught.value.rule == "agreement_already_signed"


# --- Pages ---------------------------------------------------------------------------------------


def test_coordinator_publishes_from_the_agreement_page(
    login: Login, coordinator: User, alliance: Organisation, association: Association
) -> None:
    client = login(coordinator)
    assert client.get("/leaders/agreements/").url == f"/leaders/agreements/{alliance.pk}/"
    page = client.get(f"/leaders/agreements/{alliance.pk}/").content.decode()
    assert "has not published an agreement yet" in page
    bad = client.post(f"/leaders/agreements/{alliance.pk}/", {"title": "T", "text": ""})
    assert bad.status_code == 200
    assert "Enter the text of the agreement" in bad.content.decode()
    response = client.post(
        f"/leaders/agreements/{alliance.pk}/", {"title": "Alliance", "text": "Code of conduct."}
    )
    assert response.status_code == 302
    page = client.get(f"/leaders/agreements/{alliance.pk}/").content.decode()
    assert "Version 1: Alliance" in page
    assert "Not signed" in page
    assert "Remind" in page


def test_coordinator_reminds_from_the_agreement_page(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    leader_user: User,
    association: Association,
    kyra: BrokerAgreement,
) -> None:
    response = login(coordinator).post(
        f"/leaders/agreements/{alliance.pk}/remind/{association.pk}/"
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=leader_user, verb="agreement.reminder").exists()


def test_leader_signs_from_their_own_pages(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    association: Association,
    kyra: BrokerAgreement,
) -> None:
    client = login(leader_user)
    profile = client.get("/leaders/me/").content.decode()
    assert "Not signed" in profile
    assert reverse("leaders:agreement_sign", args=[kyra.pk]) in profile
    url = f"/leaders/me/agreements/{kyra.pk}/"
    page = client.get(url).content.decode()
    assert "courtesy and respect" in page
    refused = client.post(url, {"signed_name": "Lee Leader"})
    assert "Confirm that you have read" in refused.content.decode()
    assert not AgreementSignature.objects.exists()
    done = client.post(url, {"signed_name": "Lee Leader", "confirmed": "on"})
    assert done.status_code == 302
    assert AgreementSignature.objects.get().leader == leader


def test_the_sign_page_is_404_to_a_leader_not_associated(
    login: Login, client_school: School, kyra: BrokerAgreement
) -> None:
    outsider = make_leader(school=client_school, name="Olu Outsider")
    assert login(outsider.user).get(f"/leaders/me/agreements/{kyra.pk}/").status_code == 404


def test_directory_shows_the_unsigned_flag(
    login: Login, coordinator: User, leader: LeaderProfile, association: Association, kyra: Any
) -> None:
    page = login(coordinator).get("/leaders/").content.decode()
    assert "Agreement not signed" in page


def test_coordinator_home_lists_unsigned_leaders_with_the_action(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    leader: LeaderProfile,
    association: Association,
    kyra: BrokerAgreement,
) -> None:
    """Rule: the coordinator's "needs attention" lists LLEs who have not signed, with remind."""
    page = login(coordinator).get("/").content.decode()
    assert "1 leader has not signed" in page
    assert f"/leaders/agreements/{alliance.pk}/#leaders" in page
    assert "Remind them to sign" in page


def test_leader_home_asks_them_to_sign(
    login: Login, leader_user: User, association: Association, kyra: BrokerAgreement
) -> None:
    page = login(leader_user).get("/").content.decode()
    assert "agreement and code of conduct" in page
    assert f"/leaders/me/agreements/{kyra.pk}/" in page


def test_coordinator_names_the_contact_on_its_page(
    login: Login, coordinator: User, broker_lead: User, association: Association
) -> None:
    client = login(coordinator)
    url = f"/leaders/associations/{association.pk}/contact/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"contact": broker_lead.pk}).status_code == 302
    association.refresh_from_db()
    assert association.contact == broker_lead
    detail = client.get(f"/leaders/{association.leader_id}/").content.decode()
    assert broker_lead.get_full_name() in detail


def test_agreement_page_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    kyra: BrokerAgreement,
    django_assert_max_num_queries: Any,
) -> None:
    """The agreement page stays within a fixed number of queries as associated leaders grow."""
    for n in range(6):
        leader = make_leader(school=client_school, name=f"Leader {n}")
        designate(leader, "SLE", alliance)
        associate(leader, alliance)
    client = login(coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(f"/leaders/agreements/{alliance.pk}/").status_code == 200
