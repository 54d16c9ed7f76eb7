"""Who is who on a deployment, and who may see its delivery records (product.md: "Every person
sees only what their role and organisation entitle them to"; Records: notes of visit are shared
with the school, the broker, and on the LA route the SIP and LA team).

- The *parties*: the leader, the leader's home-school headteacher, the supported school's
  headteacher (and the broker lead, who signs for the broker).
- The *broker*: coordinators and broker leads of the deployment's organisation.
- On the local authority route, the organisation's SIPs.

Notes of visit, the deployment log, feedback, reviews and the evaluation are visible to all of
them; concerns are not (see ``concern_for_user``); the final report reaches the schools only once
approved (see ``syslead.evaluation.access``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment
from syslead.deployments.selectors import deployment_for_user
from syslead.visits.models import Concern, ConcernContact, Visit


@dataclass(frozen=True)
class DeploymentRoles:
    """The hats one person wears on one deployment."""

    administrator: bool = False
    leader: bool = False
    client_head: bool = False
    home_head: bool = False
    coordinator: bool = False
    broker_lead: bool = False
    sip: bool = False

    @property
    def broker(self) -> bool:
        return self.coordinator or self.broker_lead

    @property
    def party(self) -> bool:
        """One of the agreement's schools or its leader."""
        return self.leader or self.client_head or self.home_head

    @property
    def can_see_records(self) -> bool:
        """May read notes of visit, the log, feedback, reviews and the evaluation."""
        return self.administrator or self.party or self.broker or self.sip

    @property
    def can_see_evidence_pack(self) -> bool:
        """The parties and the broker only."""
        return self.administrator or self.party or self.broker


def deployment_roles(user: Any, deployment: Deployment) -> DeploymentRoles:
    """Every role ``user`` holds on ``deployment`` (role assignments are cached per request)."""
    if not getattr(user, "is_authenticated", False):
        return DeploymentRoles()
    urns = headteacher_school_urns(user)
    org = deployment.organisation_id
    is_la_route = deployment.support_request.route == Route.LOCAL_AUTHORITY
    return DeploymentRoles(
        administrator=is_administrator(user),
        leader=deployment.leader.user_id == user.pk,
        client_head=deployment.client_school_id in urns,
        home_head=deployment.home_school_id in urns,
        coordinator=org in coordinated_organisation_ids(user),
        broker_lead=org in organisation_ids_for(user, [Role.BROKER_LEAD]),
        sip=is_la_route and org in organisation_ids_for(user, [Role.SIP]),
    )


def deployments_with_records_for(user: Any) -> QuerySet[Deployment]:
    """Deployments whose delivery records ``user`` may read, as one filter (for lists)."""
    deployments = Deployment.objects.all()
    if not getattr(user, "is_authenticated", False):
        return deployments.none()
    if is_administrator(user):
        return deployments
    urns = headteacher_school_urns(user)
    sip_orgs = organisation_ids_for(user, [Role.SIP])
    return deployments.filter(
        Q(leader__user=user)
        | Q(client_school__in=urns)
        | Q(home_school__in=urns)
        | Q(organisation__in=broker_organisation_ids(user))
        | Q(organisation__in=sip_orgs, support_request__route=Route.LOCAL_AUTHORITY)
    )


def deployment_records_for_user(
    user: Any, deployment_id: int
) -> tuple[Deployment, DeploymentRoles]:
    """The deployment and the user's roles on it; 404 to anyone who may not see the agreement
    (the deployments area's ``deployment_for_user`` decides, so both areas agree)."""
    deployment = deployment_for_user(user, deployment_id)
    return deployment, deployment_roles(user, deployment)


def visit_for_user(user: Any, visit_id: int) -> Visit:
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


def concerns_visible_to(user: Any) -> QuerySet[Concern]:
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


def concern_for_user(user: Any, concern_id: int) -> Concern:
    """The concern, or 404 to anyone but the raiser, the named person and the coordinators."""
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern.")
    return concern


def may_act_on_concern(user: Any, concern: Concern) -> bool:
    """The named person (then or now) and the organisation's coordinators act on a concern."""
    if is_administrator(user) or concern.named_person_id == user.pk:
        return True
    if concern.organisation_id in coordinated_organisation_ids(user):
        return True
    contact = getattr(concern.organisation, "concern_contact", None)
    return contact is not None and contact.safeguarding_lead_id == user.pk


def reads_others_concerns(user: Any) -> bool:
    """Whether the person's place (not one concern they raised or are named on) lets them read
    concerns raised by others: administrators, coordinators and an organisation's named person
    for safeguarding. Two-factor sign-in is required of them."""
    if is_administrator(user) or coordinated_organisation_ids(user):
        return True
    return ConcernContact.objects.filter(safeguarding_lead=user).exists()
