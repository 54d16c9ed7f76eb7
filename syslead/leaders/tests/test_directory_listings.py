"""Association is optional (docs/rules.md, "Association"; KYRA): a leader with no broker who
consented to a public profile can be found through the public directory of any broker that lists
them. A broker's coordinator lists them; the listing shows only while the leader has no broker and
keeps the consent; a school can then ask them directly from that directory."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import DirectoryListing, LeaderProfile
from syslead.leaders.selectors import leaders_visible_to, public_directory
from syslead.leaders.services.listings import directory_listing_set
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


@pytest.fixture
def free(far_school: School, other_org: Organisation) -> LeaderProfile:
    """Fran: a nationally designated NLE with no broker, who consented to a public profile,
    added by the other organisation (so its coordinators see her)."""
    leader = make_leader(
        school=far_school,
        name="Fran Free",
        publish_profile=True,
        publish_name=True,
        created_by_organisation=other_org,
    )
    designate(leader, "NLE")
    return leader


def test_an_unassociated_leader_listed_by_brokers_is_in_each_of_their_directories(
    free: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
    coordinator: User,
    other_coordinator: User,
) -> None:
    """Rule: association is optional; an unassociated leader can be found through the public
    directory of any broker that lists them (and only those)."""
    assert public_directory(other_org) == []
    directory_listing_set(actor=other_coordinator, leader=free, organisation=other_org, listed=True)
    assert [p.leader_id for p in public_directory(other_org)] == [free.pk]
    assert public_directory(alliance) == []
    # A second broker may list her too (the page first resolves the leader through the leaders'
    # access rule; the service is called here directly), and then sees her.
    directory_listing_set(actor=coordinator, leader=free, organisation=alliance, listed=True)
    assert [p.leader_id for p in public_directory(alliance)] == [free.pk]
    assert free in leaders_visible_to(coordinator)


def test_a_listing_shows_only_while_the_leader_has_no_broker_and_consents(
    free: LeaderProfile, other_org: Organisation, alliance: Organisation, other_coordinator: User
) -> None:
    """Rule: a leader with a broker is in their broker's directory, not another's; a leader who
    withdraws consent to a public profile leaves every directory."""
    directory_listing_set(actor=other_coordinator, leader=free, organisation=other_org, listed=True)
    association = associate(free, alliance)
    assert public_directory(other_org) == []
    assert [p.leader_id for p in public_directory(alliance)] == [free.pk]
    association.delete()
    LeaderProfile.objects.filter(pk=free.pk).update(publish_profile=False)
    assert public_directory(other_org) == []


def test_listing_is_refused_for_a_leader_with_a_broker_or_without_consent(
    free: LeaderProfile,
    far_school: School,
    other_org: Organisation,
    alliance: Organisation,
    other_coordinator: User,
    coordinator: User,
) -> None:
    """Rule: only a leader with no broker who agreed to a public profile is listed; only a
    coordinator of the listing organisation lists."""
    with pytest.raises(NotAllowed):
        directory_listing_set(actor=coordinator, leader=free, organisation=other_org, listed=True)
    shy = make_leader(school=far_school, name="Shy", created_by_organisation=other_org)
    with pytest.raises(RuleViolation) as refused:
        directory_listing_set(
            actor=other_coordinator, leader=shy, organisation=other_org, listed=True
        )
    assert refused.value.rule == "no_consent_to_publish"
    associate(free, alliance)
    with pytest.raises(RuleViolation) as refused:
        directory_listing_set(
            actor=other_coordinator, leader=free, organisation=other_org, listed=True
        )
    assert refused.value.rule == "leader_has_broker"
    assert not DirectoryListing.objects.exists()


def test_a_coordinator_lists_and_unlists_from_the_leader_page(
    login: Login, free: LeaderProfile, other_org: Organisation, other_coordinator: User
) -> None:
    client = login(other_coordinator)
    page = client.get(reverse("leaders:detail", args=[free.pk]))
    assert f"List Fran Free in {other_org.name}'s public directory" in page.text
    url = reverse("leaders:listing", args=[free.pk])
    done = client.post(url, {"organisation": other_org.pk, "listed": "yes"})
    assert done.status_code == 302
    assert DirectoryListing.objects.filter(leader=free, organisation=other_org).exists()
    directory = Client().get(reverse("organisations:directory", args=[other_org.slug]))
    assert "Fran Free" in directory.text
    ask = reverse("brokering:direct_commission_new", args=[free.pk])
    assert f"{ask}?organisation={other_org.pk}" in directory.text
    client.post(url, {"organisation": other_org.pk, "listed": "no"})
    assert not DirectoryListing.objects.exists()


def test_the_listing_page_resolves_the_leader_and_organisation_first(
    login: Login,
    free: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
    coordinator: User,
    other_coordinator: User,
    client_head: User,
) -> None:
    """404 for a leader the coordinator cannot see, or an organisation they do not coordinate;
    403 for someone who coordinates nothing."""
    url = reverse("leaders:listing", args=[free.pk])
    assert login(coordinator).post(url, {"organisation": alliance.pk}).status_code == 404
    assert login(other_coordinator).post(url, {"organisation": alliance.pk}).status_code == 404
    assert not DirectoryListing.objects.exists()


def test_the_public_directory_keeps_its_query_budget_with_listed_leaders(
    django_assert_max_num_queries: Callable[[int], object],
    free: LeaderProfile,
    other_org: Organisation,
    other_coordinator: User,
    far_school: School,
) -> None:
    directory_listing_set(actor=other_coordinator, leader=free, organisation=other_org, listed=True)
    for n in range(3):
        extra = make_leader(
            school=far_school,
            name=f"Extra {n}",
            publish_profile=True,
            created_by_organisation=other_org,
        )
        designate(extra, "NLE")
        directory_listing_set(
            actor=other_coordinator, leader=extra, organisation=other_org, listed=True
        )
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(public_directory(other_org)) == 4
