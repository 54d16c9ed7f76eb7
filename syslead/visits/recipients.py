"""The people a deployment's records are sent to, found from their role assignments."""

from __future__ import annotations

from collections.abc import Iterable

from syslead.accounts.models import Role, User
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment
from syslead.organisations.models import Organisation
from syslead.schools.sips import school_sip


def _holders(role: str, **where: object) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role_assignments__role=role, **where).distinct()
    )


def headteachers_of(school_urn: int) -> list[User]:
    return _holders(Role.HEADTEACHER, role_assignments__school_id=school_urn)


def client_heads(deployment: Deployment) -> list[User]:
    """The supported school's headteacher(s): they agree notes of visit and give feedback."""
    return headteachers_of(deployment.client_school_id)


def coordinators_of(organisation: Organisation | int) -> list[User]:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return _holders(Role.COORDINATOR, role_assignments__organisation_id=org_id)


def broker_people(organisation: Organisation | int) -> list[User]:
    """Coordinators and broker leads of the organisation."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.COORDINATOR, Role.BROKER_LEAD],
            role_assignments__organisation_id=org_id,
        ).distinct()
    )


def sips_for(deployment: Deployment) -> list[User]:
    """On the local authority route, the organisation's SIPs receive notes of visit."""
    if deployment.support_request.route != Route.LOCAL_AUTHORITY:
        return []
    return _holders(Role.SIP, role_assignments__organisation_id=deployment.organisation_id)


def advisers_for(deployment: Deployment) -> list[User]:
    """The supported school's named SIP (``schools.sips.school_sip``, named by the agreement's
    organisation) and the people copied in on the agreement who still hold the SIP role in its
    organisation: they receive notes of visit, the deployment record and the termly review in
    their inbox and by e-mail (docs/rules.md, "The school's named SIP")."""
    named = school_sip(deployment.client_school_id, organisation=deployment.organisation_id)
    copied = User.objects.filter(
        is_active=True,
        copied_in_on__deployment=deployment,
        role_assignments__role=Role.SIP,
        role_assignments__organisation_id=deployment.organisation_id,
    ).distinct()
    return everyone([named] if named is not None else [], copied)


def leader_user(deployment: Deployment) -> User:
    return deployment.leader.user


def everyone(*groups: Iterable[User]) -> list[User]:
    """The people of several groups, each once."""
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            seen.setdefault(user.pk, user)
    return list(seen.values())
