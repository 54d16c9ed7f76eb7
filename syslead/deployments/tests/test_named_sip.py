"""The school's named SIP on agreements (docs/rules.md, "The school's named SIP"): the named SIP
reads their school's agreements (on either route) read-only, another authority's SIP does not;
the agreement's coordinators copy the authority's SIPs in on a local-authority-route agreement
and remove them, on the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.deployments.access import (
    deployment_roles,
    deployments_visible_to,
    may_add_agreement_documents,
)
from syslead.deployments.copied_in import copy_in, people_to_copy_in, remove_copied_in
from syslead.deployments.models import CopiedIn, Deployment
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import NamedSip, School
from syslead.visits.tests.factories import make_deployment, make_leader_profile


@pytest.fixture
def lincs(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )


@pytest.fixture
def lincs_coordinator(lincs: Organisation) -> User:
    return make_user("lou@lincs.test", "Lou Coordinator", (Role.COORDINATOR, lincs))


@pytest.fixture
def sally(lincs: Organisation, client_school: School) -> User:
    """Sally is Ermine Primary's named SIP."""
    user = make_user("sally@lincs.test", "Sally Partner", (Role.SIP, lincs))
    NamedSip.objects.create(
        school=client_school, organisation=lincs, sip=user, starts_on=timezone.localdate()
    )
    return user


@pytest.fixture
def sam(lincs: Organisation) -> User:
    """Sam is another SIP of the authority, named for no school."""
    return make_user("sam@lincs.test", "Sam Partner", (Role.SIP, lincs))


@pytest.fixture
def otto(other_org: Organisation) -> User:
    """Otto is a SIP of another local authority."""
    return make_user("otto@sglos.test", "Otto Partner", (Role.SIP, other_org))


@pytest.fixture
def leader(leader_user: User, home_school: School) -> LeaderProfile:
    return make_leader_profile(leader_user, home_school)


@pytest.fixture
def school_route(lincs: Organisation, leader: LeaderProfile, client_school: School) -> Deployment:
    return make_deployment(leader=leader, organisation=lincs, client_school=client_school)


@pytest.fixture
def la_route(lincs: Organisation, leader: LeaderProfile, client_school: School) -> Deployment:
    return make_deployment(
        leader=leader, organisation=lincs, client_school=client_school, route=Route.LOCAL_AUTHORITY
    )


def test_the_named_sip_reads_their_schools_school_route_agreement_read_only(
    sally: User, school_route: Deployment
) -> None:
    """Rule: a named SIP sees their schools' agreements and records, read-only."""
    assert deployments_visible_to(sally).filter(pk=school_route.pk).exists()
    roles = deployment_roles(sally, school_route)
    assert roles.named_sip
    assert roles.can_see_records
    assert not roles.sip  # not the organisation's SIP on this route
    assert not may_add_agreement_documents(roles)
    assert not roles.can_see_evidence_pack


def test_another_sip_of_the_authority_and_another_authoritys_sip_do_not_see_it(
    sally: User, sam: User, otto: User, school_route: Deployment
) -> None:
    """Rule: access widens only to the named school(s): not to every SIP of the authority, nor to
    another authority's SIP."""
    for someone in (sam, otto):
        assert not deployments_visible_to(someone).filter(pk=school_route.pk).exists()
        assert not deployment_roles(someone, school_route).can_see_records


def test_a_naming_by_another_organisation_opens_nothing_of_this_ones(
    sally: User, alliance: Organisation, leader: LeaderProfile, client_school: School
) -> None:
    """Rule: the named SIP reads the agreements of the organisation that named them only."""
    theirs = make_deployment(leader=leader, organisation=alliance, client_school=client_school)
    assert not deployment_roles(sally, theirs).can_see_records
    assert not deployments_visible_to(sally).filter(pk=theirs.pk).exists()


def test_an_ended_naming_closes_the_agreement_again(sally: User, school_route: Deployment) -> None:
    NamedSip.objects.filter(sip=sally).update(ends_on=timezone.localdate())
    fresh = User.objects.get(pk=sally.pk)
    assert not deployment_roles(fresh, school_route).can_see_records


def test_the_named_sip_opens_the_agreement_page_and_not_the_copy_in_page(
    client: Client, sally: User, school_route: Deployment
) -> None:
    client.force_login(sally)
    page = client.get(f"/deployments/{school_route.pk}/")
    assert page.status_code == 200
    assert "Sally Partner" in page.content.decode()  # "The school's SIP"
    assert client.get(f"/deployments/{school_route.pk}/copied-in/").status_code == 403


# --- Copied in --------------------------------------------------------------------------------


def test_the_coordinator_copies_a_sip_in_and_removes_them_on_the_timeline(
    lincs_coordinator: User, sally: User, sam: User, la_route: Deployment
) -> None:
    """Rule: other LA advisers copied in by the coordinator; removed too; timeline events."""
    assert list(people_to_copy_in(la_route)) == [sam]  # the named SIP is not offered
    row = copy_in(actor=lincs_coordinator, deployment=la_route, person=sam)
    assert Event.objects.filter(verb="deployment.copied_in", data__user=sam.pk).exists()
    assert list(people_to_copy_in(la_route)) == []
    remove_copied_in(actor=lincs_coordinator, row=row)
    assert not CopiedIn.objects.exists()
    assert Event.objects.filter(verb="deployment.copied_in_removed").exists()


def test_only_the_agreements_coordinators_copy_in_and_only_the_authoritys_sips(
    lincs_coordinator: User, sally: User, sam: User, otto: User, la_route: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        copy_in(actor=sally, deployment=la_route, person=sam)
    for person in (otto, sally, lincs_coordinator):
        with pytest.raises(ValidationError) as refused:
            copy_in(actor=lincs_coordinator, deployment=la_route, person=person)
        assert "person" in refused.value.message_dict
    assert not CopiedIn.objects.exists()


def test_people_are_copied_in_on_local_authority_route_agreements_only(
    lincs_coordinator: User, sam: User, school_route: Deployment
) -> None:
    with pytest.raises(RuleViolation):
        copy_in(actor=lincs_coordinator, deployment=school_route, person=sam)


def test_the_copy_in_page_shows_govuk_errors_and_copies_in(
    client: Client, lincs_coordinator: User, sally: User, sam: User, la_route: Deployment
) -> None:
    client.force_login(lincs_coordinator)
    url = f"/deployments/{la_route.pk}/copied-in/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Sally Partner" in page.content.decode()
    refused = client.post(url, {})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "govuk-error-summary" in body
    assert "Choose who to copy in." in body
    done = client.post(url, {"person": sam.pk})
    assert done.status_code == 302
    row = CopiedIn.objects.get()
    assert row.user == sam
    removed = client.post(f"/deployments/{la_route.pk}/copied-in/{row.pk}/remove/")
    assert removed.status_code == 302
    assert not CopiedIn.objects.exists()


def test_the_copy_in_page_is_404_to_another_authoritys_sip(
    client: Client, otto: User, la_route: Deployment
) -> None:
    client.force_login(otto)
    assert client.get(f"/deployments/{la_route.pk}/copied-in/").status_code == 404
    assert client.get(f"/deployments/{la_route.pk}/").status_code == 404
