"""Reads of deployment agreements that views, endpoints, services and other areas reuse.

Access: who may see an agreement and its delivery records is decided in one place,
``syslead.deployments.access`` (an administrator; the leader; the headteachers of the home and
supported schools; coordinators and broker leads of its organisation; its SIPs on the local
authority route only). Its names are re-exported here; ``deployment_for_user`` answers 404 to
everyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import Role, User
from syslead.core.events import events_for
from syslead.core.models import Event
from syslead.core.queries import one_or_none
from syslead.deployments.access import (
    can_create_deployment,
    can_manage_deployment,
    deployments_visible_to,
    events_visible,
    is_package_lead,
    may_decide_proposal,
)
from syslead.deployments.costs import CostLine, Costs, cost_breakdown
from syslead.deployments.models import (
    FINISHED_STATUSES,
    LIVE_STATUSES,
    ChangeRecord,
    Deployment,
    DeploymentStatus,
    FundingRoute,
    Objective,
    PackageProposal,
    Party,
    PreparedInvitation,
    ProposalStatus,
    Signature,
    SipDecision,
    SupportPackage,
)
from syslead.deployments.parties import (
    PARTY_ORDER,
    leader_heads_home_school,
    leader_is_home_headteacher,
    parties_held_by,
    party_in_sentence,
    party_label,
    signatories,
)
from syslead.deployments.sip import is_school_sip, school_sips
from syslead.invitations.models import Invitation, InvitationStatus

__all__ = [
    "can_create_deployment",
    "can_manage_deployment",
    "deployment_for_user",
    "deployments_for_user",
    "deployments_visible_to",
]

# Access ------------------------------------------------------------------------------------------


def _with_related(queryset: QuerySet[Deployment]) -> QuerySet[Deployment]:
    """The rows an agreement's pages and lists read with it. Not the earlier version, the
    agreement it replaces or who passed the capacity rule: each is another agreement's (or
    person's) whole row, read by few pages, and every joined column makes Django's SQL slower to
    build (syslead/core/queries.py)."""
    return queryset.annotate(leader_heads_home_school=leader_heads_home_school()).select_related(
        "leader__user",
        "home_school",
        "client_school",
        "organisation",
        "support_request",
        "package",
    )


def deployments_for_user(user: User) -> QuerySet[Deployment]:
    """The agreements the user may see, newest first, ready for a list (related rows joined)."""
    return _with_related(deployments_visible_to(user)).order_by("-created_at", "-pk")


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such deployment agreement.") from None


def deployment_for_user(user: User, deployment_id: int | str) -> Deployment:
    """One agreement the user may see, or Http404 (unknown and invisible alike)."""
    found = one_or_none(_with_related(deployments_visible_to(user)).filter(pk=_pk(deployment_id)))
    if found is None:
        raise Http404("No such deployment agreement.")
    return found


def deployment_by_id(deployment_id: int | str) -> Deployment:
    """An agreement by id whoever asks, or Http404 when there is none: for actions the contract
    refuses with 403 rather than 404 (signing: "403 if the caller is none of the four")."""
    found = one_or_none(_with_related(Deployment.objects.all()).filter(pk=_pk(deployment_id)))
    if found is None:
        raise Http404("No such deployment agreement.")
    return found


def is_read_only(deployment: Deployment) -> bool:
    """Completed, ended early, cancelled or superseded: nothing may change it any more."""
    return deployment.status in FINISHED_STATUSES


# Signatures --------------------------------------------------------------------------------------


def _signatures(deployment: Deployment) -> list[Signature]:
    cached = getattr(deployment, "_prefetched_objects_cache", {}).get("signatures")
    if cached is not None:
        return list(cached)
    return list(deployment.signatures.select_related("signed_by"))


def signatures_of(deployment: Deployment) -> dict[str, dt.date | None]:
    """{party: the date it signed, or None}, keyed as the API's ``signatures``."""
    signed = {s.party: timezone.localdate(s.signed_at) for s in _signatures(deployment)}
    return {str(party): signed.get(party) for party in PARTY_ORDER}


@dataclass(frozen=True)
class SignatureRow:
    """One party's line on the agreement's signature block."""

    party: Party
    label: str
    signed_by: str | None
    signed_as: str
    signed_at: dt.datetime | None
    on_paper: bool = False
    paper_signed_on: dt.date | None = None
    has_scan: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


def signature_rows(deployment: Deployment) -> list[SignatureRow]:
    """The four parties in signing order, each with who signed, as what and when (or not yet)."""
    by_party = {s.party: s for s in _signatures(deployment)}
    rows = []
    for party in PARTY_ORDER:
        signature = by_party.get(party)
        rows.append(
            SignatureRow(
                party=party,
                label=party_label(deployment, party),
                signed_by=_signer_name(signature) if signature else None,
                signed_as=signature.signed_as if signature else "",
                signed_at=signature.signed_at if signature else None,
                on_paper=bool(signature and signature.on_paper),
                paper_signed_on=signature.paper_signed_on if signature else None,
                has_scan=bool(signature and signature.scan),
            )
        )
    return rows


def _signer_name(signature: Signature) -> str:
    """Who signed: the person named on a paper signature, else the account that signed."""
    if signature.on_paper:
        return signature.paper_signer
    return signature.signed_by.get_full_name()


@dataclass(frozen=True)
class PartySigner:
    """Whether anyone with an account can sign for an unsigned party, and who has been invited
    to (the agreement page's "who can sign" panel)."""

    party: Party
    label: str
    can_sign: bool
    invite_role: str
    invitations: tuple[Invitation, ...] = ()

    @property
    def in_sentence(self) -> str:
        return self.label[:1].lower() + self.label[1:]


def _invite_role(deployment: Deployment, party: Party) -> str:
    """The role a person needs to sign for ``party`` ("" for the leader, who always has an
    account, and for the chair of governors, whose signature a coordinator records)."""
    if party == Party.HOME_HEADTEACHER and leader_is_home_headteacher(deployment):
        return ""
    return {
        Party.HOME_HEADTEACHER: Role.HEADTEACHER,
        Party.CLIENT_HEADTEACHER: Role.HEADTEACHER,
        Party.BROKER_LEAD: Role.BROKER_LEAD,
    }.get(party, "")


def pending_invitations_for(deployment: Deployment, party: Party) -> QuerySet[Invitation]:
    """Invitations not yet accepted of people who would sign for ``party``."""
    pending = Invitation.objects.filter(status=InvitationStatus.PENDING)
    if party == Party.HOME_HEADTEACHER:
        return pending.filter(role=Role.HEADTEACHER, school_id=deployment.home_school_id)
    if party == Party.CLIENT_HEADTEACHER:
        return pending.filter(role=Role.HEADTEACHER, school_id=deployment.client_school_id)
    if party == Party.BROKER_LEAD:
        return pending.filter(role=Role.BROKER_LEAD, organisation_id=deployment.organisation_id)
    return pending.none()


def party_signers(deployment: Deployment) -> list[PartySigner]:
    """Each unsigned party, in signing order: whether someone with an account may sign for it,
    and the pending invitations of people who would."""
    holders = signatories(deployment)
    rows = []
    for party in unsigned_parties(deployment):
        role = _invite_role(deployment, party)
        can_sign = bool(holders[party]) or party == Party.LEADER or not role
        invitations = () if can_sign else tuple(pending_invitations_for(deployment, party))
        rows.append(PartySigner(party, party_label(deployment, party), can_sign, role, invitations))
    return rows


def parties_without_signer(deployment: Deployment) -> list[PartySigner]:
    """The unsigned parties no one with an account can sign for yet."""
    return [row for row in party_signers(deployment) if not row.can_sign]


#: A party's state on the agreement page (docs/rules.md, "Sending an agreement for signature").
SIGNED = "signed"
SIGNED_ON_PAPER = "signed_on_paper"
WAITING = "waiting"
TO_BE_ASKED = "to_be_asked"
INVITED = "invited"
PREPARED = "prepared"
NO_ONE = "no_one"

STATE_WORDS = {
    SIGNED: "Signed",
    SIGNED_ON_PAPER: "Signed on paper",
    WAITING: "Waiting for their signature",
    TO_BE_ASKED: "Asked to sign when the agreement is sent",
    INVITED: "Invited, not yet joined",
    PREPARED: "Invitation ready: sent with the agreement",
    NO_ONE: "No one with an account can sign",
}


@dataclass(frozen=True)
class PartyState:
    """Where one party is: signed (on the page or on paper), waiting for them, invited and not
    yet joined (with the invitations to resend), an invitation prepared on the draft, or no one
    with an account to sign."""

    party: Party
    label: str
    state: str
    invitations: tuple[Invitation, ...] = ()
    prepared: PreparedInvitation | None = None
    invite_role: str = ""

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def in_sentence(self) -> str:
        return self.label[:1].lower() + self.label[1:]


def party_states(deployment: Deployment) -> list[PartyState]:
    """Each of the four parties' state, in signing order (the agreement page's parties list)."""
    by_party = {s.party: s for s in _signatures(deployment)}
    draft = deployment.status == DeploymentStatus.DRAFT
    prepared = {p.party: p for p in deployment.prepared_invitations.all()} if draft else {}
    signers = {row.party: row for row in party_signers(deployment)}
    states = []
    for party in PARTY_ORDER:
        label = party_label(deployment, party)
        signature = by_party.get(party)
        if signature is not None:
            state = SIGNED_ON_PAPER if signature.on_paper else SIGNED
            states.append(PartyState(party, label, state))
            continue
        row = signers[party]
        if row.can_sign:
            states.append(PartyState(party, label, TO_BE_ASKED if draft else WAITING))
        elif row.invitations:
            states.append(
                PartyState(party, label, INVITED, row.invitations, invite_role=row.invite_role)
            )
        elif party in prepared:
            states.append(
                PartyState(
                    party, label, PREPARED, prepared=prepared[party], invite_role=row.invite_role
                )
            )
        else:
            states.append(PartyState(party, label, NO_ONE, invite_role=row.invite_role))
    return states


def unsigned_parties(deployment: Deployment) -> list[Party]:
    """The parties still to sign, in signing order."""
    signed = {s.party for s in _signatures(deployment)}
    return [party for party in PARTY_ORDER if party not in signed]


def party_to_sign(user: User, deployment: Deployment) -> Party | None:
    """The party the user would sign as now: the first unsigned party they hold (None if none)."""
    unsigned = set(unsigned_parties(deployment))
    for party in parties_held_by(user, deployment):
        if party in unsigned:
            return party
    return None


def chair_signature_needed(deployment: Deployment) -> bool:
    """The leader heads the home school and the home school's signature is still missing: the
    chair of governors signs for it."""
    return Party.HOME_HEADTEACHER in unsigned_parties(deployment) and leader_is_home_headteacher(
        deployment
    )


def awaiting_signature_of(user: User) -> list[Deployment]:
    """Agreements waiting for this user's signature (a home page's "agreements to sign")."""
    waiting = (
        deployments_for_user(user)
        .filter(status=DeploymentStatus.AWAITING_SIGNATURES)
        .prefetch_related("signatures")
    )
    return [d for d in waiting if party_to_sign(user, d) is not None]


@dataclass(frozen=True)
class WaitingAgreement:
    """An agreement waiting for signatures, and whose (a coordinator's "needs attention")."""

    deployment: Deployment
    waiting_for: tuple[str, ...]
    no_signer: tuple[str, ...] = ()


def waiting_for_signatures(user: User) -> list[WaitingAgreement]:
    """Agreements of the organisations the user coordinates or leads as broker that wait for
    signatures, oldest first, each with the parties still to sign."""
    organisations = broker_organisation_ids(user)
    queryset = Deployment.objects.filter(status=DeploymentStatus.AWAITING_SIGNATURES)
    if not is_administrator(user):
        queryset = queryset.filter(organisation_id__in=organisations)
    rows = _with_related(queryset).prefetch_related("signatures").order_by("created_at", "pk")
    return [
        WaitingAgreement(
            d,
            tuple(party_label(d, p) for p in unsigned_parties(d)),
            tuple(row.label for row in parties_without_signer(d)),
        )
        for d in rows
    ]


# What to do next ---------------------------------------------------------------------------------


def next_steps_for(user: User, deployment: Deployment) -> list[str]:
    """What this person needs to do next on the agreement, in plain words ("what do I need to do
    next?" first: docs/ux.md). Empty when nothing is asked of them."""
    status = deployment.status
    held = parties_held_by(user, deployment)
    manager = can_manage_deployment(user, deployment)
    steps: list[str] = []
    if status == DeploymentStatus.DRAFT:
        sips = school_sips(deployment)
        agreed = deployment.sip_decision == SipDecision.AGREED
        if is_school_sip(user, deployment) and not deployment.sip_decision:
            steps.append("Agree this support agreement, or ask for changes.")
        if manager:
            if sips and not deployment.sip_decision:
                names = ", ".join(sip.get_full_name() for sip in sips)
                steps.append(
                    f"Waiting for the SIP ({names}) to agree the agreement before it is sent "
                    "for signature."
                )
            elif deployment.sip_decision == SipDecision.CHANGES_REQUESTED:
                steps.append(
                    "The SIP asked for changes: change the terms (they are asked again), or send "
                    "it anyway with your reason."
                )
            if not sips or agreed:
                steps.append("Check the draft, then send it for signature.")
        elif held:
            steps.append(
                "The agreement is a draft: you will be asked to sign once the broker sends it."
            )
    elif status == DeploymentStatus.AWAITING_SIGNATURES:
        waiting = unsigned_parties(deployment)
        mine = [party for party in held if party in waiting]
        if mine:
            steps.append(f"Sign the agreement as {party_in_sentence(deployment, mine[0])}.")
        others = [party_label(deployment, p) for p in waiting if p not in mine]
        if others and (held or manager):
            steps.append("Waiting for signatures from: " + "; ".join(others) + ".")
        if manager and chair_signature_needed(deployment):
            steps.append(
                "The leader is the headteacher of their school: record the chair of governors' "
                "signature for the home school."
            )
    elif status == DeploymentStatus.ACTIVE:
        if Party.LEADER in held:
            steps.append(
                "After every visit, complete a note of visit with the headteacher before you "
                "leave, and keep your deployment record up to date."
            )
        if Party.CLIENT_HEADTEACHER in held:
            steps.append(
                "Agree each note of visit, give feedback at the end of each term and review "
                "progress against the impact measures with the leader."
            )
        if manager:
            steps.append(
                "Check notes of visit and termly feedback; record any change (pause, new leader, "
                "amendment, early end) and mark the agreement completed when the work ends."
            )
    elif status == DeploymentStatus.PAUSED:
        if manager:
            steps.append("The agreement is paused: resume it, replace the leader or end it.")
        elif held:
            steps.append("The agreement is paused: the broker will tell you when it resumes.")
    elif status == DeploymentStatus.COMPLETED and Party.CLIENT_HEADTEACHER in held:
        steps.append("Complete the end-of-support evaluation.")
    return steps


# Costs -------------------------------------------------------------------------------------------


def costs_of(deployment: Deployment) -> Costs:
    """The agreement's costs as stored when it was made (the rates are part of the agreement)."""
    return Costs(
        funding_route=deployment.funding_route,
        total=deployment.total_cost,
        to_broker=deployment.to_broker,
        to_home_school=deployment.to_home_school,
        payable_by_school=deployment.payable_by_school,
        payable_by_commissioner=deployment.payable_by_commissioner,
    )


def commissioner_of(deployment: Deployment) -> str:
    """Who funds the days off the supported school's budget, in words ("" on the school route)."""
    if deployment.commissioner_name:
        return deployment.commissioner_name
    if deployment.funding_route in (FundingRoute.BROKER, FundingRoute.LOCAL_AUTHORITY):
        return deployment.organisation.name
    return ""


def cost_breakdown_of(deployment: Deployment) -> list[CostLine]:
    """The contract's cost lines with who pays whom in words, for the agreement's route."""
    return cost_breakdown(
        costs_of(deployment),
        broker=deployment.organisation.name,
        home_school=deployment.home_school.name,
        client_school=deployment.client_school.name,
        commissioner=commissioner_of(deployment),
        collected_by=deployment.collected_by,
    )


# The agreement's parts and history ---------------------------------------------------------------


def objectives_of(deployment: Deployment) -> list[Objective]:
    return list(deployment.objectives.all())


def changes_of(deployment: Deployment) -> list[ChangeRecord]:
    """Changes recorded on the agreement, newest first."""
    return list(
        deployment.changes.select_related("recorded_by", "resulting_deployment").order_by(
            "-recorded_at", "-pk"
        )
    )


def version_chain(deployment: Deployment) -> list[Deployment]:
    """Every version of the agreement, first to last (amendments make new versions)."""
    first = deployment
    seen = {first.pk}
    while first.previous_version_id is not None and first.previous_version_id not in seen:
        first = Deployment.objects.get(pk=first.previous_version_id)
        seen.add(first.pk)
    chain = [first]
    current = first
    while True:
        following = Deployment.objects.filter(previous_version=current).first()
        if following is None or following.pk in {d.pk for d in chain}:
            break
        chain.append(following)
        current = following
    return chain


def deployment_timeline(deployment: Deployment, viewer: Any = None) -> list[Event]:
    """Who did what when on the agreement, oldest first, across its versions and the agreement
    it replaced: the events ``viewer`` may read (each kind has its audience: see
    ``access.events_visible``); every event when no viewer is given (services and checks)."""
    related = version_chain(deployment)
    if deployment.replaces_id is not None:
        related.append(Deployment.objects.get(pk=deployment.replaces_id))
    events: list[Event] = []
    for item in related:
        events.extend(events_for(item))
    events.sort(key=lambda e: (e.created_at, e.pk))
    if viewer is not None:
        return events_visible(viewer, deployment, events)
    return events


# Packages ----------------------------------------------------------------------------------------


def package_deployments(package: SupportPackage) -> list[Deployment]:
    """The package's agreements, the lead first."""
    return list(_with_related(package.deployments.all()).order_by("-is_lead", "created_at", "pk"))


def package_lead(package: SupportPackage) -> Deployment | None:
    """The package's lead agreement among its live ones (its leader compiles the final report)."""
    return (
        _with_related(package.deployments.filter(is_lead=True, status__in=LIVE_STATUSES))
        .order_by("created_at")
        .first()
    )


def package_for_user(user: User, package_id: int | str) -> SupportPackage:
    """A package the person may see through one of its agreements (or as a coordinator of its
    organisation), or Http404 (unknown and invisible alike)."""
    try:
        pk = int(package_id)
    except (TypeError, ValueError):
        raise Http404("No such package.") from None
    rows = SupportPackage.objects.filter(pk=pk).select_related("organisation", "school")
    if not is_administrator(user):
        visible = deployments_visible_to(user).filter(package_id=pk).values("pk")
        rows = rows.filter(
            Q(deployments__in=visible) | Q(organisation_id__in=_coordinated(user))
        ).distinct()
    found = one_or_none(rows)
    if found is None:
        raise Http404("No such package.")
    return found


def _coordinated(user: User) -> set[int]:
    return coordinated_organisation_ids(user) if getattr(user, "is_authenticated", False) else set()


def proposal_for_user(user: User, proposal_id: int | str) -> PackageProposal:
    """A package's proposal the person may see: the package's lead leader, a coordinator of its
    organisation, an administrator; Http404 for anyone else."""
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError):
        raise Http404("No such proposal.") from None
    proposal = one_or_none(
        PackageProposal.objects.filter(pk=pk).select_related(
            "package__organisation", "package__school", "proposed_by", "decided_by"
        )
    )
    if proposal is None or not (
        is_package_lead(user, proposal.package) or may_decide_proposal(user, proposal.package)
    ):
        raise Http404("No such proposal.")
    return proposal


@dataclass(frozen=True)
class PackageProposals:
    may_propose: bool
    rows: list[PackageProposal]


def package_proposals_shown(user: User, deployment: Deployment) -> PackageProposals:
    """On the agreement's page: whether the person may propose the package's members (its lead
    leader, no proposal waiting) and the proposals they may read (the lead, the coordinators)."""
    package = deployment.package
    if package is None:
        return PackageProposals(False, [])
    lead = is_package_lead(user, package)
    if not (lead or may_decide_proposal(user, package)):
        return PackageProposals(False, [])
    rows = list(package.proposals.all()[:5])
    waiting = any(row.status == ProposalStatus.PROPOSED for row in rows)
    return PackageProposals(lead and not waiting and deployment.is_lead, rows)


def proposals_to_decide(user: User) -> list[PackageProposal]:
    """Proposals waiting for a coordinator of the person's organisations, oldest first."""
    return list(
        PackageProposal.objects.filter(
            status=ProposalStatus.PROPOSED, package__organisation_id__in=_coordinated(user)
        )
        .select_related("package__school", "proposed_by")
        .order_by("proposed_at", "id")
    )


def returned_proposals_of_lead(user: User) -> list[PackageProposal]:
    """The latest proposal of each package the person leads, when it was returned."""
    if not getattr(user, "is_authenticated", False):
        return []
    led = SupportPackage.objects.filter(
        deployments__is_lead=True,
        deployments__status__in=LIVE_STATUSES,
        deployments__leader__user_id=user.pk,
    ).values("pk")
    latest: dict[int, PackageProposal] = {}
    for proposal in (
        PackageProposal.objects.filter(package__in=led)
        .select_related("package")
        .order_by("package_id", "-proposed_at", "-id")
    ):
        latest.setdefault(proposal.package_id, proposal)
    return [p for p in latest.values() if p.status == ProposalStatus.RETURNED]
