"""Who may see a deployment agreement and its delivery records (notes of visit, the deployment
log, feedback, progress reviews, the evaluation, the final report, the evidence pack and the
timeline): the deployments area's one access rule. Views, endpoints, selectors, services and the
other areas (visits, evaluation, invoicing) call it; ``deployments.selectors`` and
``visits.access`` re-export the names other modules import.

An agreement and its delivery records are visible (else 404) to:
- an administrator;
- the *parties*: its leader, the headteachers of the leader's home school and of the supported
  school;
- the *broker*: coordinators and broker leads of its organisation;
- SIPs of its organisation, on the local authority route;
- the supported school's *named SIP* (``syslead.schools.sips``), when named by the agreement's
  own organisation, on either route, read-only: they read the agreement and its records as a SIP
  does and give the SIP's view at the termly review, and change nothing else. (People copied in
  on an agreement are SIPs of its organisation on the local authority route, who read it already:
  being copied in sends them what the named SIP receives; ``syslead.visits.recipients``.)

The supported school's *governing body* (its chair and the governors its headteacher names) is
none of these: it reads four documents of its school's agreements and nothing else, each by its
own rule below (``governed_agreements`` and the ``governor_reads_*`` functions; docs/rules.md,
"The governing body").

Of those, only coordinators of the organisation (and administrators) manage it. The final report
reaches the schools and the SIP only once the broker approved it; the evidence pack goes to the
parties and the broker, not the SIP. Each kind of event on the timeline has its own audience
(``syslead.core.events.EVENT_AUDIENCES``): invoices are not shown to the leader or the SIP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    governor_school_urns,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route, SupportRequest
from syslead.core import events as event_kinds
from syslead.core.models import Event
from syslead.deployments.models import (
    LIVE_STATUSES,
    Deployment,
    DeploymentStatus,
    SupportPackage,
)
from syslead.schools.sips import named_sip_pairs

if TYPE_CHECKING:
    from syslead.evaluation.models import Evaluation, FinalReport
    from syslead.visits.models import LogShare

__all__ = [
    "DeploymentRoles",
    "can_create_deployment",
    "can_manage_deployment",
    "deployment_roles",
    "deployments_visible_to",
    "events_visible",
    "final_report_visible",
    "governed_agreements",
    "governor_reads_agreement",
    "governor_reads_deployment_record",
    "governor_reads_evaluation",
    "may_add_agreement_documents",
    "may_decide_further_support",
    "may_quality_assure",
    "may_raise_dispute",
    "may_resolve_dispute",
    "may_sign_off",
    "may_state_delivery",
]


def deployments_visible_to(user: User) -> QuerySet[Deployment]:
    """Every agreement the user may see, and so whose delivery records they may read (see the
    module's docstring): the rule as one filter, for lists."""
    if not getattr(user, "is_authenticated", False):
        return Deployment.objects.none()
    if is_administrator(user):
        return Deployment.objects.all()
    condition = Q(leader__user_id=user.pk)
    urns = headteacher_school_urns(user)
    if urns:
        condition |= Q(home_school_id__in=urns) | Q(client_school_id__in=urns)
    broker_orgs = broker_organisation_ids(user)
    if broker_orgs:
        condition |= Q(organisation_id__in=broker_orgs)
    sip_orgs = organisation_ids_for(user, [Role.SIP])
    if sip_orgs:
        condition |= Q(organisation_id__in=sip_orgs, support_request__route=Route.LOCAL_AUTHORITY)
    for org_id, urn in sorted(named_sip_pairs(user)):
        condition |= Q(organisation_id=org_id, client_school_id=urn)
    return Deployment.objects.filter(condition)


@dataclass(frozen=True)
class DeploymentRoles:
    """The hats one person wears on one deployment: the same rule as ``deployments_visible_to``,
    for one agreement already in hand."""

    administrator: bool = False
    leader: bool = False
    client_head: bool = False
    home_head: bool = False
    coordinator: bool = False
    broker_lead: bool = False
    sip: bool = False
    #: The supported school's named SIP (named by the agreement's organisation): reads only.
    named_sip: bool = False
    #: On the supported school's governing body: none of ``can_see_records``; reads only the
    #: documents the ``governor_reads_*`` rules give.
    governor: bool = False

    @property
    def broker(self) -> bool:
        return self.coordinator or self.broker_lead

    @property
    def party(self) -> bool:
        """One of the agreement's schools or its leader."""
        return self.leader or self.client_head or self.home_head

    @property
    def can_see_records(self) -> bool:
        """May see the agreement and read notes of visit, the log, feedback, reviews and the
        evaluation."""
        return self.administrator or self.party or self.broker or self.sip or self.named_sip

    @property
    def can_see_evidence_pack(self) -> bool:
        """The parties and the broker only."""
        return self.administrator or self.party or self.broker

    @property
    def hats(self) -> frozenset[str]:
        """The hats worn, in the words of the timeline's audiences (the named SIP reads what a
        SIP reads)."""
        worn = frozenset(
            name
            for name in (
                event_kinds.ADMINISTRATOR,
                event_kinds.LEADER,
                event_kinds.CLIENT_HEAD,
                event_kinds.HOME_HEAD,
                event_kinds.COORDINATOR,
                event_kinds.BROKER_LEAD,
                event_kinds.SIP,
            )
            if getattr(self, name)
        )
        return worn | {event_kinds.SIP} if self.named_sip else worn


def deployment_roles(user: User, deployment: Deployment) -> DeploymentRoles:
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
        named_sip=(org, deployment.client_school_id) in named_sip_pairs(user),
        governor=deployment.client_school_id in governor_school_urns(user),
    )


def can_manage_deployment(user: User, deployment: Deployment) -> bool:
    """Coordinators of the agreement's organisation and administrators manage it (changes,
    completion, cancellation, packages)."""
    return is_administrator(user) or deployment.organisation_id in coordinated_organisation_ids(
        user
    )


def may_add_agreement_documents(roles: DeploymentRoles) -> bool:
    """The agreement's parties add documents to it (docs/documents.md): administrators, the
    leader, the headteachers of both schools, coordinators of its organisation and, on the local
    authority route, its SIPs. Whoever may see the agreement reads them."""
    return roles.administrator or roles.party or roles.coordinator or roles.sip


def can_create_deployment(user: User, support_request: SupportRequest) -> bool:
    """Coordinators of the request's organisation and administrators."""
    return is_administrator(user) or support_request.organisation_id in (
        coordinated_organisation_ids(user)
    )


# --- Closing together and disputes (docs/rules.md, "Closing an agreement", "Disputes") -----------


def may_state_delivery(roles: DeploymentRoles) -> bool:
    """The leader states whether the support was fully delivered (and why not)."""
    return roles.leader


def may_sign_off(roles: DeploymentRoles) -> bool:
    """The leader and the supported school's headteacher each sign the agreement off."""
    return roles.leader or roles.client_head


def may_decide_further_support(roles: DeploymentRoles, route: str) -> bool:
    """Whoever may ask for support for the school on the agreement's route records the decision
    on further support (it starts a new request): the organisation's coordinators (and
    administrators) on either route; the supported school's headteacher on the school route; the
    organisation's SIPs on the local authority route (``roles.sip`` holds only there)."""
    if roles.administrator or roles.coordinator or roles.sip:
        return True
    return roles.client_head and route == Route.SCHOOL


def may_raise_dispute(roles: DeploymentRoles) -> bool:
    """Anyone who may see the agreement raises a dispute about it: the leader, both headteachers,
    the broker's coordinators and broker leads and, on the local authority route, its SIPs."""
    return roles.can_see_records


def may_resolve_dispute(user: User, deployment: Deployment) -> bool:
    """The broker resolves a dispute: coordinators of the agreement's organisation (the
    organisation the request was made to, on the local authority route the authority itself),
    and administrators."""
    return can_manage_deployment(user, deployment)


# --- The final report and its quality assurance --------------------------------------------------


def final_report_visible(roles: DeploymentRoles, report: FinalReport | None) -> bool:
    """Whether someone with ``roles`` may read the report: the leader's side and the broker
    always; the schools, the SIP and the supported school's governing body once the broker
    approved it."""
    from syslead.evaluation.models import FinalReportStatus

    if report is None:
        return False
    if roles.administrator or roles.leader or roles.broker:
        return True
    # The governing body reads it once approved, as the school does (docs/rules.md, "The
    # governing body").
    return report.status == FinalReportStatus.APPROVED and (roles.can_see_records or roles.governor)


def may_quality_assure(user: User, deployment: Deployment, report: FinalReport) -> bool:
    """Coordinators and broker leads of the organisation, never the report's own author."""
    roles = deployment_roles(user, deployment)
    if roles.administrator:
        return True
    return roles.broker and report.author_id != user.pk


# --- The supported school's governing body (docs/rules.md, "The governing body") ----------------

#: The agreements a governing body reads: signed by every party (live, paused or closed). Drafts,
#: agreements waiting for signatures, cancelled and superseded ones are not shared with it.
GOVERNED_STATUSES = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
)


def governed_agreements(user: User) -> QuerySet[Deployment]:
    """The agreement rule for a governor: the signed agreements (``GOVERNED_STATUSES``) whose
    supported school's governing body the user sits on (chair or governor); an administrator
    every signed one. As a list's filter; the governors' pages resolve every agreement through
    it (404 to anyone else)."""
    if is_administrator(user):
        return Deployment.objects.filter(status__in=GOVERNED_STATUSES)
    urns = governor_school_urns(user) if getattr(user, "is_authenticated", False) else set()
    if not urns:
        return Deployment.objects.none()
    return Deployment.objects.filter(client_school_id__in=urns, status__in=GOVERNED_STATUSES)


def governor_reads_agreement(roles: DeploymentRoles, deployment: Deployment) -> bool:
    """The agreement, read-only: a governor of the supported school, once every party signed
    (and an administrator, who sees everything)."""
    return (roles.governor or roles.administrator) and deployment.status in GOVERNED_STATUSES


def governor_reads_deployment_record(
    roles: DeploymentRoles, deployment: Deployment, share: LogShare
) -> bool:
    """A term's deployment record: shared with the school and signed by its headteacher (an
    unsigned record is not yet the school's to pass on)."""
    return (
        governor_reads_agreement(roles, deployment)
        and share.deployment_id == deployment.pk
        and share.signed_at is not None
    )


def governor_reads_evaluation(
    roles: DeploymentRoles, deployment: Deployment, evaluation: Evaluation | None
) -> bool:
    """The end-of-support evaluation, once the school submitted it."""
    return (
        evaluation is not None
        and evaluation.deployment_id == deployment.pk
        and governor_reads_agreement(roles, deployment)
    )


# --- The timeline --------------------------------------------------------------------------------


def _per_record_allowed(user: User, deployment: Deployment, event: Event) -> bool:
    """For kinds whose audience depends on the record (an invoice): that record's own rule."""
    if not event.verb.startswith("invoice."):
        return True
    from syslead.invoicing.access import may_read
    from syslead.invoicing.models import Invoice

    invoice = Invoice.objects.filter(pk=event.data.get("invoice"), deployment=deployment).first()
    if invoice is None:  # an event about an invoice since deleted: the kind's audience decides
        return True
    return may_read(user, invoice)


def events_visible(user: User, deployment: Deployment, events: Iterable[Event]) -> list[Event]:
    """The events of the deployment's timeline ``user`` may read: each kind's audience
    (``core.events.EVENT_AUDIENCES``), then, for an invoice, the invoice's own rule."""
    roles = deployment_roles(user, deployment)
    if not roles.can_see_records:
        return []
    hats = roles.hats
    return [
        event
        for event in events
        if hats & event_kinds.event_audience(event.verb)
        and (roles.administrator or _per_record_allowed(user, deployment, event))
    ]


#: Everyone who may download the evidence pack: it shows only events all of them read.
EVIDENCE_PACK_HATS = frozenset(
    {
        event_kinds.LEADER,
        event_kinds.CLIENT_HEAD,
        event_kinds.HOME_HEAD,
        event_kinds.COORDINATOR,
        event_kinds.BROKER_LEAD,
    }
)


def evidence_pack_events(events: Iterable[Event]) -> list[Event]:
    """The events an evidence pack shows: those every party and the broker read (no invoice, no
    concern, no step of the final report before approval)."""
    return [e for e in events if event_kinds.read_by_all(e.verb, EVIDENCE_PACK_HATS)]


# Packages designed by their lead (docs/rules.md, "Packages designed by their lead").


def is_package_lead(user: User, package: SupportPackage) -> bool:
    """The person is the leader of the package's live lead agreement."""
    return (
        getattr(user, "is_authenticated", False)
        and package.deployments.filter(
            is_lead=True, status__in=LIVE_STATUSES, leader__user_id=user.pk
        ).exists()
    )


def may_decide_proposal(user: User, package: SupportPackage) -> bool:
    """A coordinator of the package's organisation, or an administrator."""
    return is_administrator(user) or package.organisation_id in coordinated_organisation_ids(user)
