"""Packages designed by their lead (docs/rules.md, "Packages designed by their lead"): the lead
leader proposes the package's members and days from the broker's SLE directory, each within their
remaining days; only a coordinator confirms (the members' draft agreements are made through the
service that adds agreements to a package) or returns it with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.home import (
    coordinator_package_proposals,
    system_leader_package_proposals,
)
from syslead.deployments.models import (
    Deployment,
    DeploymentStatus,
    PackageProposal,
    ProposalStatus,
    SupportPackage,
)
from syslead.deployments.services import (
    MemberDays,
    package_create,
    package_proposal_confirm,
    package_proposal_return,
    package_propose,
)
from syslead.deployments.services.packages import package_sle_directory
from syslead.deployments.tests.factories import make_leader
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


@pytest.fixture
def sam(alliance: Organisation) -> LeaderProfile:
    """Sam, an SLE of the alliance with 10 days released in 2026-27."""
    school = make_school(120030, "Birchwood Junior School")
    make_user("bea@birchwood.test", "Bea Birchwood", (Role.HEADTEACHER, school))
    user = make_user("sam@birchwood.test", "Sam Second", (Role.SYSTEM_LEADER, None))
    return make_leader(user, school, alliance, specialisms=("maths", "english"))


@pytest.fixture
def package(coordinator: User, agreement: Deployment, alliance: Organisation) -> SupportPackage:
    """Lee's agreement leads the package "Ermine recovery"."""
    return package_create(
        actor=coordinator,
        organisation=alliance,
        school=agreement.client_school,
        title="Ermine recovery",
        lead=agreement,
    )


def _propose(
    leader_user: User, package: SupportPackage, sam: LeaderProfile, days: str = "4"
) -> PackageProposal:
    return package_propose(
        actor=leader_user, package=package, members=[MemberDays(sam, Decimal(days))]
    )


def test_the_lead_sees_the_brokers_sles_with_their_remaining_days(
    package: SupportPackage, sam: LeaderProfile, other_org: Organisation, leader: LeaderProfile
) -> None:
    elsewhere = make_leader(
        make_user("olly@other.test", "Olly Other", (Role.SYSTEM_LEADER, None)),
        make_school(120031, "Other Primary"),
        other_org,
    )
    not_sle = make_leader(
        make_user("nia@lle.test", "Nia Lle", (Role.SYSTEM_LEADER, None)),
        make_school(120032, "Lle Primary"),
        package.organisation,
        designation="LLE",
    )
    directory = {row.pk: row.remaining_days for row in package_sle_directory(package)}
    assert directory == {sam.pk: Decimal("10")}
    assert {elsewhere.pk, not_sle.pk, leader.pk}.isdisjoint(directory)


@pytest.mark.parametrize("who", ["coordinator", "stranger", "client_head"])
def test_only_the_packages_lead_proposes_its_members(
    who: str, request: pytest.FixtureRequest, package: SupportPackage, sam: LeaderProfile
) -> None:
    with pytest.raises(NotAllowed):
        _propose(request.getfixturevalue(who), package, sam)


def test_the_lead_proposes_only_sles_of_the_same_broker(
    leader_user: User, package: SupportPackage, other_org: Organisation
) -> None:
    elsewhere = make_leader(
        make_user("olly@other.test", "Olly Other", (Role.SYSTEM_LEADER, None)),
        make_school(120031, "Other Primary"),
        other_org,
    )
    with pytest.raises(ValidationError) as refused:
        _propose(leader_user, package, elsewhere)
    assert "members" in refused.value.message_dict


@pytest.mark.parametrize("days", ["11", "0", "2.25"])
def test_proposed_days_are_within_each_leaders_remaining_days_in_half_days(
    days: str, leader_user: User, package: SupportPackage, sam: LeaderProfile
) -> None:
    with pytest.raises(ValidationError) as refused:
        _propose(leader_user, package, sam, days)
    assert f"days-{sam.pk}" in refused.value.message_dict
    assert not PackageProposal.objects.exists()


def test_one_proposal_waits_for_the_coordinator_at_a_time(
    leader_user: User, package: SupportPackage, sam: LeaderProfile
) -> None:
    _propose(leader_user, package, sam)
    with pytest.raises(RuleViolation) as refused:
        _propose(leader_user, package, sam)
    assert refused.value.rule == "proposal_waiting"


@pytest.mark.parametrize("who", ["leader_user", "other_coordinator", "broker_lead"])
def test_only_a_coordinator_confirms_the_proposal(
    who: str,
    request: pytest.FixtureRequest,
    leader_user: User,
    package: SupportPackage,
    sam: LeaderProfile,
) -> None:
    proposal = _propose(leader_user, package, sam)
    with pytest.raises(NotAllowed):
        package_proposal_confirm(actor=request.getfixturevalue(who), proposal=proposal)
    with pytest.raises(NotAllowed):
        package_proposal_return(actor=request.getfixturevalue(who), proposal=proposal, reason="No")


def test_confirming_makes_each_members_draft_agreement_in_the_package(
    coordinator: User,
    leader_user: User,
    package: SupportPackage,
    agreement: Deployment,
    sam: LeaderProfile,
) -> None:
    proposal = _propose(leader_user, package, sam, "3.5")
    made = package_proposal_confirm(actor=coordinator, proposal=proposal)
    assert len(made) == 1
    member = Deployment.objects.get(pk=made[0].pk)
    assert (member.leader, member.package, member.is_lead, member.status) == (
        sam,
        package,
        False,
        DeploymentStatus.DRAFT,
    )
    assert (member.full_days, member.half_days) == (3, 1)
    assert (member.starts_on, member.ends_on) == (agreement.starts_on, agreement.ends_on)
    assert member.support_request_id == agreement.support_request_id
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    with pytest.raises(RuleViolation) as again:
        package_proposal_confirm(actor=coordinator, proposal=proposal)
    assert again.value.rule == "proposal_decided"


def test_confirming_checks_the_capacity_again_and_makes_nothing_if_it_fails(
    coordinator: User, leader_user: User, package: SupportPackage, sam: LeaderProfile
) -> None:
    proposal = _propose(leader_user, package, sam, "8")
    sam.releases.update(days=Decimal("5"))
    with pytest.raises(RuleViolation):
        package_proposal_confirm(actor=coordinator, proposal=proposal)
    assert not Deployment.objects.filter(leader=sam).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_a_member_whose_draft_cannot_be_made_is_named_and_nothing_is_made(
    coordinator: User, leader_user: User, package: SupportPackage, alliance: Organisation
) -> None:
    """A member whose school has no headteacher on Syslead: the agreement needs their name."""
    headless = make_leader(
        make_user("hal@headless.test", "Hal Headless", (Role.SYSTEM_LEADER, None)),
        make_school(120040, "Headless Primary"),
        alliance,
    )
    proposal = _propose(leader_user, package, headless)
    with pytest.raises(ValidationError) as refused:
        package_proposal_confirm(actor=coordinator, proposal=proposal)
    assert "Hal Headless's draft agreement cannot be made" in refused.value.messages[0]
    assert not Deployment.objects.filter(leader=headless).exists()


def test_a_returned_proposal_has_a_reason_and_the_lead_proposes_again(
    coordinator: User, leader_user: User, package: SupportPackage, sam: LeaderProfile
) -> None:
    proposal = _propose(leader_user, package, sam)
    with pytest.raises(ValidationError):
        package_proposal_return(actor=coordinator, proposal=proposal, reason="  ")
    package_proposal_return(actor=coordinator, proposal=proposal, reason="Sam is needed in June")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.return_reason) == (
        ProposalStatus.RETURNED,
        "Sam is needed in June",
    )
    returned = list(system_leader_package_proposals(leader_user))
    assert len(returned) == 1
    assert "Sam is needed in June" in returned[0].detail  # type: ignore[union-attr]
    assert _propose(leader_user, package, sam, "2").status == ProposalStatus.PROPOSED
    assert not list(system_leader_package_proposals(leader_user))


def test_a_waiting_proposal_needs_the_coordinators_attention(
    coordinator: User,
    other_coordinator: User,
    leader_user: User,
    package: SupportPackage,
    sam: LeaderProfile,
) -> None:
    proposal = _propose(leader_user, package, sam)
    items = list(coordinator_package_proposals(coordinator))
    assert [i.url for i in items] == [  # type: ignore[union-attr]
        reverse("deployments:package_proposal", args=[proposal.pk])
    ]
    assert not list(coordinator_package_proposals(other_coordinator))


# --- The pages -----------------------------------------------------------------------------------


def test_the_lead_proposes_on_the_directory_page_and_the_coordinator_confirms(
    login: Login,
    client: Client,
    coordinator: User,
    leader_user: User,
    package: SupportPackage,
    sam: LeaderProfile,
) -> None:
    lead_client = login(leader_user)
    url = reverse("deployments:package_propose", args=[package.pk])
    page = lead_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Sam Second" in body
    assert "10 days" in body
    refused = lead_client.post(url, {f"days-{sam.pk}": "12"})
    assert "There is a problem" in refused.content.decode()
    sent = lead_client.post(url, {f"days-{sam.pk}": "4", "note": "Sam for English"})
    proposal = PackageProposal.objects.get()
    assert sent.url == reverse("deployments:package_proposal", args=[proposal.pk])
    # The lead reads the proposal but may not decide it.
    assert lead_client.post(sent.url, {"what": "confirm"}).status_code == 403
    coordinator_client = login(coordinator)
    decided = coordinator_client.post(sent.url, {"what": "confirm"})
    assert decided.status_code == 302
    assert Deployment.objects.filter(leader=sam, package=package).count() == 1


def test_the_directory_page_reads_its_leaders_in_a_few_queries(
    login: Login,
    leader_user: User,
    package: SupportPackage,
    alliance: Organisation,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for n in range(6):
        make_leader(
            make_user(f"sle{n}@x.test", f"Sle {n}", (Role.SYSTEM_LEADER, None)),
            make_school(120100 + n, f"School {n}"),
            alliance,
            designated_on=dt.date(2025, 9, 1),
        )
    client = login(leader_user)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        assert (
            client.get(reverse("deployments:package_propose", args=[package.pk])).status_code == 200
        )
