"""Who reads what as a school's governor, and who names the governing body (docs/rules.md, "The
governing body"; docs/access.md, "Governing body").

A governor (the chair or a governor) reads four documents of the agreements on which their
school is the supported school, each through the deployments area's rule for that record
(``syslead.deployments.access``): the agreement (``governor_reads_agreement``), each term's signed
deployment record (``governor_reads_deployment_record``), the evaluation
(``governor_reads_evaluation``) and the approved final report (``final_report_visible``). Every
agreement is resolved through ``governed_agreements``: an agreement that is not theirs is 404.

The school's headteacher names the chair and the governors and removes them; the chair names and
removes governors (``syslead.accounts.services.role_grant_allowed``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from syslead.accounts.access import (
    chair_school_urns,
    governor_school_urns,
    headteacher_school_urns,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.core.queries import one_or_none
from syslead.deployments.access import (
    DeploymentRoles,
    deployment_roles,
    governed_agreements,
    governor_reads_agreement,
)
from syslead.deployments.models import Deployment
from syslead.schools.models import School


def is_governor(user: User) -> bool:
    return bool(governor_school_urns(user))


def governed_agreement_for(user: User, deployment_id: int) -> tuple[Deployment, DeploymentRoles]:
    """An agreement the governor reads, and their roles on it; 404 for any other (unknown, of
    another school, not yet signed) and for anyone who is not its school's governor."""
    deployment = one_or_none(
        governed_agreements(user)
        .select_related(
            "client_school", "home_school", "organisation", "leader__user", "support_request"
        )
        .filter(pk=deployment_id)
    )
    if deployment is None:
        raise Http404("No such agreement.")
    roles = deployment_roles(user, deployment)
    if not governor_reads_agreement(roles, deployment):  # the same rule, for one agreement
        raise Http404("No such agreement.")
    return deployment, roles


def may_name_governors(user: User, school: School) -> bool:
    """The school's headteacher and the chair of its governing body (administrators too)."""
    return (
        is_administrator(user)
        or school.urn in headteacher_school_urns(user)
        or school.urn in chair_school_urns(user)
    )


def may_name_chair(user: User, school: School) -> bool:
    """Only the headteacher (and administrators) names the chair."""
    return is_administrator(user) or school.urn in headteacher_school_urns(user)


def school_to_govern(user: User, urn: int) -> School:
    """The school whose governing body the page manages: 404 unknown; 403 to anyone who may not
    name its governors (schools are public, so a refusal names nothing new)."""
    school = get_object_or_404(School, urn=urn)
    if not may_name_governors(user, school):
        raise PermissionDenied("Only the school's headteacher or chair of governors may do this.")
    return school
