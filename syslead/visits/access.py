"""Who may see a deployment's notes of visit and other delivery records, and who may see and act
on a concern.

Delivery records follow the agreement: whoever may see the agreement reads its notes of visit,
log, feedback, reviews and evaluation. That rule lives in ``syslead.deployments.access``
(``DeploymentRoles``, ``deployment_roles``, ``deployments_visible_to``), re-exported here; the
helpers below only look records up through it (404 to anyone else).

Concerns are not delivery records: only the raiser, the named person, the organisation's
safeguarding lead and its coordinators see one (``concerns_visible_to``, the one rule for
concerns).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from syslead.accounts.access import (
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.deployments.access import DeploymentRoles, deployment_roles, deployments_visible_to
from syslead.deployments.models import Deployment
from syslead.deployments.selectors import deployment_for_user
from syslead.visits.models import Concern, ConcernContact, Visit

__all__ = [
    "DeploymentRoles",
    "concern_for_user",
    "concerns_visible_to",
    "deployment_records_for_user",
    "deployment_roles",
    "deployments_with_records_for",
    "may_act_on_concern",
    "visit_for_user",
]


def deployments_with_records_for(user: User) -> QuerySet[Deployment]:
    """Deployments whose delivery records ``user`` may read, as one filter (for lists): the
    deployments area's rule, ``deployments_visible_to``."""
    return deployments_visible_to(user)


def deployment_records_for_user(
    user: User, deployment_id: int
) -> tuple[Deployment, DeploymentRoles]:
    """The deployment and the user's roles on it; 404 to anyone who may not see the agreement
    (the deployments area's ``deployment_for_user`` decides, so both areas agree)."""
    deployment = deployment_for_user(user, deployment_id)
    return deployment, deployment_roles(user, deployment)


def visit_for_user(user: User, visit_id: int) -> Visit:
    """The note of visit, or 404 to anyone who is not a party, the broker or (LA route) a SIP."""
    visit = get_object_or_404(
        Visit.objects.select_related(
            "deployment__leader__user",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__organisation",
            "deployment__support_request",
        ),
        pk=visit_id,
    )
    if not deployment_roles(user, visit.deployment).can_see_records:
        raise Http404("No such visit.")
    return visit


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    """Concerns the person must act on or raised: as raiser, as the named person, or as a
    coordinator of the concern's organisation. Nobody else, not even the other parties."""
    concerns = Concern.objects.select_related("organisation", "raised_by", "named_person")
    if not getattr(user, "is_authenticated", False):
        return concerns.none()
    if is_administrator(user):
        return concerns
    return concerns.filter(
        Q(raised_by=user)
        | Q(named_person=user)
        | Q(organisation__concern_contact__safeguarding_lead=user)
        | Q(organisation__in=coordinated_organisation_ids(user))
    ).distinct()


def concern_for_user(user: User, concern_id: int) -> Concern:
    """The concern, or 404 to anyone but the raiser, the named person and the coordinators."""
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern.")
    return concern


def may_act_on_concern(user: User, concern: Concern) -> bool:
    """The named person (then or now) and the organisation's coordinators act on a concern."""
    if is_administrator(user) or concern.named_person_id == user.pk:
        return True
    if concern.organisation_id in coordinated_organisation_ids(user):
        return True
    contact = getattr(concern.organisation, "concern_contact", None)
    return contact is not None and contact.safeguarding_lead_id == user.pk


def reads_others_concerns(user: User) -> bool:
    """Whether the person's place (not one concern they raised or are named on) lets them read
    concerns raised by others: administrators, coordinators and an organisation's named person
    for safeguarding. Two-factor sign-in is required of them."""
    if is_administrator(user) or coordinated_organisation_ids(user):
        return True
    return ConcernContact.objects.filter(safeguarding_lead=user).exists()
