"""The agreements' blocks on the home page (docs/ux.md "Home page by role"): each party's agreements
waiting for their signature, first in "Needs attention"; for coordinators, the agreements waiting
for signatures and whose. Closing together (docs/rules.md, "Closing an agreement"): each missing
step of a due close-out is an item for whoever must take it, and each open dispute one for the
broker's coordinators. ``syslead.core.home.HOME_SOURCES`` names these sources.

A person who holds several signing roles (a headteacher who is also a system leader) signs
through one list: only the source of their first signing role yields it. Each source costs one
query when there is nothing to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import (
    coordinated_organisation_ids,
    headteacher_school_urns,
    organisation_ids_for,
    roles_of,
)
from syslead.accounts.models import Role, User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.casework.chasing import chased_text
from syslead.core.home import ROLE_ORDER, AttentionItem, Block, Link, Section
from syslead.deployments.closing import close_out_of
from syslead.deployments.models import (
    ChangeKind,
    Deployment,
    DeploymentStatus,
    Dispute,
    DisputeStatus,
    SipDecision,
)
from syslead.deployments.moves import move_flag_text, open_move_flags_of
from syslead.deployments.parties import party_in_sentence
from syslead.deployments.selectors import (
    awaiting_signature_of,
    party_to_sign,
    proposals_to_decide,
    returned_proposals_of_lead,
    waiting_for_signatures,
)
from syslead.deployments.sip import school_sips
from syslead.deployments.transitions import SIGNED
from syslead.schools.sips import named_sip_pairs

SIGNING_ROLES = (Role.BROKER_LEAD, Role.SYSTEM_LEADER, Role.HEADTEACHER)
#: How many waiting agreements the coordinator's section lists (the list page has them all).
SECTION_ROWS = 20
#: Up to this many waiting agreements are each an item of "Needs attention"; more are one item.
ITEMS_EACH = 5


def _first_signing_role(user: User) -> str | None:
    roles = roles_of(user)
    return next((role for role in ROLE_ORDER if role in SIGNING_ROLES and role in roles), None)


def _to_sign(user: User, role: str) -> Iterable[Block]:
    if _first_signing_role(user) != role:
        return
    for deployment in awaiting_signature_of(user):
        party = party_to_sign(user, deployment)
        if party is None:
            continue
        yield AttentionItem(
            f"Sign the agreement for {deployment.leader.user.get_full_name()} at "
            f"{deployment.client_school.name}",
            reverse("deployments:sign", args=[deployment.pk]),
            f"You sign as {party_in_sentence(deployment, party)}.",
        )


def system_leader_agreements_to_sign(user: User) -> Iterable[Block]:
    """Agreements waiting for the leader's signature."""
    yield from _to_sign(user, Role.SYSTEM_LEADER)


def headteacher_agreements_to_sign(user: User) -> Iterable[Block]:
    """Agreements waiting for the headteacher's signature, for either school."""
    yield from _to_sign(user, Role.HEADTEACHER)


def broker_lead_agreements_to_sign(user: User) -> Iterable[Block]:
    """Agreements waiting for the broker lead's signature."""
    yield from _to_sign(user, Role.BROKER_LEAD)


def coordinator_agreements_waiting(user: User) -> Iterable[Block]:
    """Requests whose leader is chosen, with an agreement to draft; agreements of the
    organisations the person coordinates waiting for signatures, and whose."""
    coordinated = coordinated_organisation_ids(user)
    ready = SupportRequest.objects.filter(
        organisation_id__in=coordinated, status=RequestStatus.MATCHED
    ).select_related("school", "chosen_leader__user")
    for item in ready.order_by("created_at", "pk")[:SECTION_ROWS]:
        chosen = item.chosen_leader.user.get_full_name() if item.chosen_leader else "a leader"
        # The leader and the request's number keep two such links apart (one school, two needs).
        yield AttentionItem(
            f"Draft the agreement for {chosen} at {item.school.name} (request {item.pk})",
            reverse("deployments:create", args=[item.pk]),
            f"Chosen for {item.academic_year}.",
        )
    waiting = [
        row for row in waiting_for_signatures(user) if row.deployment.organisation_id in coordinated
    ]
    if not waiting:
        return
    count = len(waiting)
    if count <= ITEMS_EACH:
        # Each on its own, opening the agreement where the missing signatures are chased.
        for row in waiting:
            deployment = row.deployment
            chased = chased_text("signature", deployment)
            no_signer = "; ".join(w[:1].lower() + w[1:] for w in row.no_signer)
            yield AttentionItem(
                f"Agreement for {deployment.leader.user.get_full_name()} at "
                f"{deployment.client_school.name} waiting for signatures",
                reverse("deployments:detail", args=[deployment.pk])
                + ("#who-can-sign" if no_signer else "#chase-signature"),
                "Waiting for "
                + "; ".join(w[:1].lower() + w[1:] for w in row.waiting_for)
                + "."
                + (
                    f" No one can sign for {no_signer} yet: invite them, or record a signature "
                    "given on paper."
                    if no_signer
                    else ""
                )
                + (f" {chased}." if chased else ""),
            )
    else:
        list_url = reverse("deployments:list") + f"?status={DeploymentStatus.AWAITING_SIGNATURES}"
        yield AttentionItem(
            f"{count} agreements waiting for signatures",
            list_url,
            "See whose signatures are missing below.",
        )
    yield Section(
        title="Agreements waiting for signatures",
        template="deployments/home/waiting.html",
        context={
            "rows": [
                (row, reverse("deployments:detail", args=[row.deployment.pk]))
                for row in waiting[:SECTION_ROWS]
            ],
            "more": max(count - SECTION_ROWS, 0),
        },
        links=(Link("All agreements", reverse("deployments:list")),),
    )


def coordinator_drafts(user: User) -> Iterable[Block]:
    """Draft agreements of the coordinator's organisations: send each for signature, or (on the
    local authority route) wait for the SIP or act on the changes they asked for (docs/rules.md,
    "Sending an agreement for signature"). Oldest first, at most ``ITEMS_EACH``."""
    coordinated = coordinated_organisation_ids(user)
    if not coordinated:
        return
    drafts = (
        Deployment.objects.filter(status=DeploymentStatus.DRAFT, organisation_id__in=coordinated)
        .select_related("leader__user", "client_school", "support_request")
        .order_by("created_at", "pk")[:ITEMS_EACH]
    )
    for deployment in drafts:
        who = f"{deployment.leader.user.get_full_name()} at {deployment.client_school.name}"
        sips = school_sips(deployment)
        if sips and not deployment.sip_decision:
            hint = (
                "Waiting for the SIP ("
                + ", ".join(sip.get_full_name() for sip in sips)
                + ") to agree it; you may send it without them, saying why."
            )
        elif deployment.sip_decision == SipDecision.CHANGES_REQUESTED:
            hint = f"The SIP asked for changes: {deployment.sip_comments}"
        else:
            hint = "Check it, then send it for signature."
        yield AttentionItem(
            f"Draft agreement for {who} (agreement {deployment.pk})",
            reverse("deployments:detail", args=[deployment.pk]),
            hint,
        )


def sip_drafts_to_agree(user: User) -> Iterable[Block]:
    """Local authority route drafts waiting for this person's agreement as the supported school's
    named SIP (docs/rules.md, "The school's named SIP")."""
    pairs = named_sip_pairs(user)
    if not pairs:
        return
    named = Q()
    for organisation_id, urn in pairs:
        named |= Q(organisation_id=organisation_id, client_school_id=urn)
    drafts = (
        Deployment.objects.filter(
            named,
            status=DeploymentStatus.DRAFT,
            sip_decision="",
            support_request__route=Route.LOCAL_AUTHORITY,
        )
        .select_related("leader__user", "client_school", "support_request")
        .order_by("created_at", "pk")
    )
    for deployment in drafts:
        yield AttentionItem(
            f"Agree the support agreement for {deployment.leader.user.get_full_name()} at "
            f"{deployment.client_school.name}",
            reverse("deployments:sip_answer", args=[deployment.pk]),
            "It is sent for signature once you agree it.",
        )


def coordinator_package_proposals(user: User) -> Iterable[Block]:
    """Members proposed by a package's lead, waiting for a coordinator to confirm or return
    them (docs/rules.md, "Packages designed by their lead")."""
    for proposal in proposals_to_decide(user):
        who = proposal.proposed_by.get_full_name() if proposal.proposed_by else "The lead"
        yield AttentionItem(
            f"{who} proposes members for the package {proposal.package.title!r}",
            reverse("deployments:package_proposal", args=[proposal.pk]),
            f"For {proposal.package.school.name}, proposed "
            f"{timezone.localtime(proposal.proposed_at):%-d %b %Y}: confirm or return it.",
        )


def system_leader_package_proposals(user: User) -> Iterable[Block]:
    """The lead's proposal of a package's members returned by the coordinator, with the reason,
    until they propose again (docs/rules.md, "Packages designed by their lead")."""
    for proposal in returned_proposals_of_lead(user):
        yield AttentionItem(
            f"Your proposal for the package {proposal.package.title!r} was returned",
            reverse("deployments:package_propose", args=[proposal.package_id]),
            f"{proposal.return_reason} Propose the members again.",
        )


def coordinator_leaders_moved(user: User) -> Iterable[Block]:
    """Agreements of the coordinator's organisations whose leader moved school, each opening the
    change form on "the leader has left their school" (docs/rules.md, "A leader moves school").
    One query."""
    for flag in open_move_flags_of(coordinated_organisation_ids(user)):
        deployment = flag.deployment
        yield AttentionItem(
            move_flag_text(flag, who=deployment.leader.user.get_full_name()),
            reverse("deployments:change", args=[deployment.pk])
            + f"?kind={ChangeKind.LEADER_LEFT_SCHOOL}",
            f"Their agreement at {deployment.client_school.name}.",
        )


# --- Closing together and disputes (docs/rules.md, "Closing an agreement", "Disputes") ----------


def _closing(**where: object) -> QuerySet[Deployment]:
    """Signed agreements whose close-out is due: on or after their intended end date, or once
    the leader made the statement (``closing.close_out_due``, as one filter)."""
    today = timezone.localdate()
    return (
        Deployment.objects.filter(status__in=SIGNED, **where)
        .filter(Q(ends_on__lte=today) | Q(close_out__fully_delivered__isnull=False))
        .select_related("close_out", "leader__user", "client_school", "support_request")
        .order_by("ends_on", "pk")
    )


def _at(deployment: Deployment) -> str:
    return f"{deployment.leader.user.get_full_name()} at {deployment.client_school.name}"


def system_leader_close_out(user: User) -> Iterable[Block]:
    """The leader's statement and sign-off on agreements whose close-out is due."""
    for deployment in _closing(leader__user_id=user.pk):
        close_out = close_out_of(deployment)
        if close_out is None or not close_out.stated:
            yield AttentionItem(
                f"Say whether your support at {deployment.client_school.name} was fully delivered",
                reverse("deployments:close_out_statement", args=[deployment.pk]),
                f"The agreement ended on {deployment.ends_on.day} {deployment.ends_on:%B %Y}: "
                "then you and the headteacher sign it off.",
            )
        elif close_out.leader_signed_off_at is None:
            yield AttentionItem(
                f"Sign off your agreement at {deployment.client_school.name}",
                reverse("deployments:close_out_sign_off", args=[deployment.pk]),
                "You have said whether it was fully delivered.",
            )


def headteacher_close_out(user: User) -> Iterable[Block]:
    """The supported school's headteacher: sign off, and decide on further support on the
    school route, once the leader made the statement."""
    urns = headteacher_school_urns(user)
    if not urns:
        return
    for deployment in _closing(client_school_id__in=urns):
        close_out = close_out_of(deployment)
        if close_out is None or not close_out.stated or deployment.leader.user_id == user.pk:
            continue
        if close_out.head_signed_off_at is None:
            yield AttentionItem(
                f"Sign off the agreement for {_at(deployment)}",
                reverse("deployments:close_out_sign_off", args=[deployment.pk]),
                "The leader has said whether the support was fully delivered.",
            )
        if not close_out.decided and deployment.support_request.route == Route.SCHOOL:
            yield AttentionItem(
                f"Decide on further support after the agreement for {_at(deployment)}",
                reverse("deployments:close_out_further_support", args=[deployment.pk]),
                "No further support, or a new request made from this one.",
            )


def _decide_or_complete(deployment: Deployment, *, may_complete: bool) -> Iterable[Block]:
    close_out = close_out_of(deployment)
    if close_out is None or not close_out.stated:
        return
    if not close_out.decided:
        yield AttentionItem(
            f"Decide on further support after the agreement for {_at(deployment)}",
            reverse("deployments:close_out_further_support", args=[deployment.pk]),
            "No further support, or a new request made from this one.",
        )
    elif may_complete and close_out.done:
        yield AttentionItem(
            f"Mark the support for {_at(deployment)} completed",
            reverse("deployments:complete", args=[deployment.pk]),
            "Closed together: the statement, both sign-offs and further support are recorded.",
        )


def coordinator_close_out(user: User) -> Iterable[Block]:
    """Agreements of the coordinator's organisations: decide on further support, then mark the
    support completed (last); and every open dispute, to record its outcome."""
    coordinated = coordinated_organisation_ids(user)
    if not coordinated:
        return
    disputes = (
        Dispute.objects.filter(
            status=DisputeStatus.OPEN, deployment__organisation_id__in=coordinated
        )
        .select_related("deployment__leader__user", "deployment__client_school", "raised_by")
        .order_by("raised_at", "pk")
    )
    disputed: set[int] = set()
    for dispute in disputes:
        disputed.add(dispute.deployment_id)
        yield AttentionItem(
            f"Record the outcome of the dispute on the agreement for {_at(dispute.deployment)} "
            f"(dispute {dispute.pk})",
            reverse("deployments:dispute_resolve", args=[dispute.deployment_id, dispute.pk]),
            f"Raised on {dispute.raised_at.day} {dispute.raised_at:%B %Y} by {dispute.raised_as}: "
            f"{dispute.what[:120]}",
        )
    for deployment in _closing(organisation_id__in=coordinated):
        yield from _decide_or_complete(deployment, may_complete=deployment.pk not in disputed)


def sip_close_out(user: User) -> Iterable[Block]:
    """A SIP decides on further support on the local authority route."""
    organisations = organisation_ids_for(user, [Role.SIP])
    if not organisations:
        return
    for deployment in _closing(
        organisation_id__in=organisations, support_request__route=Route.LOCAL_AUTHORITY
    ):
        yield from _decide_or_complete(deployment, may_complete=False)
