"""Packages: several leaders deployed to one school, exactly one of them the lead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, SupportPackage
from syslead.deployments.selectors import package_deployments, package_lead
from syslead.deployments.services import (
    deployment_add_to_package,
    deployment_amend,
    deployment_create,
    package_create,
    package_set_lead,
)
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, refresh
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture
def second_leader(alliance: Organisation) -> LeaderProfile:
    school = make_school(120030, "Birchwood Junior School")
    user = make_user("sam@birchwood.test", "Sam Second", (Role.SYSTEM_LEADER, None))
    return make_leader(user, school, alliance, specialisms=("maths", "english"))


@pytest.fixture
def package(coordinator: User, alliance: Organisation, client_school: School) -> SupportPackage:
    return package_create(
        actor=coordinator, organisation=alliance, school=client_school, title="Ermine recovery"
    )


def test_the_first_agreement_in_a_package_leads_and_the_second_does_not(
    coordinator: User,
    support_request: SupportRequest,
    second_leader: LeaderProfile,
    package: SupportPackage,
) -> None:
    lead = deployment_create(
        actor=coordinator, support_request=support_request, package=package, **agreement_kwargs()
    )
    second = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=second_leader,
        package=package,
        **agreement_kwargs(),
    )
    assert (lead.is_lead, second.is_lead) == (True, False)
    assert package_lead(package) == lead
    assert package_deployments(package) == [lead, second]


def test_a_package_has_exactly_one_lead(
    coordinator: User,
    support_request: SupportRequest,
    second_leader: LeaderProfile,
    package: SupportPackage,
) -> None:
    deployment_create(
        actor=coordinator, support_request=support_request, package=package, **agreement_kwargs()
    )
    with pytest.raises(RuleViolation) as refused:
        deployment_create(
            actor=coordinator,
            support_request=support_request,
            leader=second_leader,
            package=package,
            is_lead=True,
            **agreement_kwargs(),
        )
    assert refused.value.rule == "package_lead"


def test_the_database_holds_one_lead_per_package(
    agreement: Deployment,
    coordinator: User,
    support_request: SupportRequest,
    second_leader: LeaderProfile,
    package: SupportPackage,
) -> None:
    deployment_add_to_package(actor=coordinator, deployment=agreement, package=package)
    second = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=second_leader,
        package=package,
        **agreement_kwargs(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.filter(pk=second.pk).update(is_lead=True)


def test_the_lead_can_be_handed_to_another_agreement(
    agreement: Deployment,
    coordinator: User,
    support_request: SupportRequest,
    second_leader: LeaderProfile,
    package: SupportPackage,
) -> None:
    deployment_add_to_package(actor=coordinator, deployment=agreement, package=package)
    second = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=second_leader,
        package=package,
        **agreement_kwargs(),
    )
    package_set_lead(actor=coordinator, deployment=second)
    assert (refresh(agreement).is_lead, refresh(second).is_lead) == (False, True)


def test_an_amended_lead_stays_the_lead(
    active: Deployment, coordinator: User, package: SupportPackage
) -> None:
    deployment_add_to_package(actor=coordinator, deployment=active, package=package)
    amended = deployment_amend(actor=coordinator, deployment=active, reason="More", full_days=6)
    assert amended.is_lead
    assert package_lead(package) == amended


def test_packages_belong_to_one_school_and_organisation(
    coordinator: User,
    agreement: Deployment,
    alliance: Organisation,
    far_school: School,
) -> None:
    elsewhere = package_create(
        actor=coordinator, organisation=alliance, school=far_school, title="Another school"
    )
    with pytest.raises(ValidationError):
        deployment_add_to_package(actor=coordinator, deployment=agreement, package=elsewhere)


@pytest.mark.parametrize("who", ["broker_lead", "stranger", "other_coordinator", "client_head"])
def test_only_coordinators_make_packages(
    who: str, request: pytest.FixtureRequest, alliance: Organisation, client_school: School
) -> None:
    with pytest.raises(NotAllowed):
        package_create(
            actor=request.getfixturevalue(who),
            organisation=alliance,
            school=client_school,
            title="Mine",
        )


def test_a_package_needs_a_title(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    with pytest.raises(ValidationError):
        package_create(actor=coordinator, organisation=alliance, school=client_school, title=" ")


def test_a_package_may_start_with_its_lead(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    agreement: Deployment,
    sign_all: Callable[[Deployment], Deployment],
) -> None:
    package = package_create(
        actor=coordinator,
        organisation=alliance,
        school=client_school,
        title="With lead",
        lead=agreement,
    )
    assert package_lead(package) == agreement
