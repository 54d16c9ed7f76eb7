"""Who signs for which of the four parties (docs/rules.md: Deployment agreement; the Leading
Learning Forward contract: "Signed: System Leader / System Leader's School Headteacher (where
applicable) / Headteacher of Supported School / Headteacher of Lead Teaching School on behalf of
TSA").

The parties sign in this order: the leader, the home school's headteacher, the supported
school's headteacher, the broker lead. Who holds each party:

- the leader: the leader's own user;
- the home school's headteacher: a user with the headteacher role at the agreement's home school
  who is not the leader. When the leader *is* that headteacher (as LLEs are), the chair of
  governors signs for the home school instead: either a user holding the headteacher role at the
  home school other than the leader (the governing body's account) — recorded as "Chair of
  governors" — or a coordinator of the organisation who records the chair's name on their behalf
  (``services.deployment_sign_for_chair``);
- the supported school's headteacher: a user with the headteacher role at the supported school;
- the broker lead: a user with the broker lead role at the agreement's organisation.

A person holding several parties' roles signs the first unsigned one they hold, in the order
above, each time they sign (the API's sign call has no body). Administrators are not a party.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from syslead.accounts.access import headteacher_school_urns, organisation_ids_for
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.deployments.models import Deployment, Party

#: The order the parties sign in (and the API's ``signatures`` keys).
PARTY_ORDER: tuple[Party, ...] = (
    Party.LEADER,
    Party.HOME_HEADTEACHER,
    Party.CLIENT_HEADTEACHER,
    Party.BROKER_LEAD,
)

CHAIR_OF_GOVERNORS = "Chair of governors"


def leader_is_home_headteacher(deployment: Deployment) -> bool:
    """Whether the leader is the headteacher of their home school (then the chair signs):
    flagged on the profile, or holding the headteacher role there. Remembered on the instance."""
    cached: bool | None = getattr(deployment, "_leader_is_head", None)
    if cached is not None:
        return cached
    annotated: bool | None = getattr(deployment, "leader_heads_home_school", None)
    if annotated is not None:  # read with the agreement (``selectors._with_related``)
        return bool(annotated) or deployment.leader.is_headteacher
    leader = deployment.leader
    answer = leader.is_headteacher or (
        RoleAssignment.objects.filter(
            user_id=leader.user_id, role=Role.HEADTEACHER, school_id=deployment.home_school_id
        ).exists()
    )
    deployment._leader_is_head = answer  # type: ignore[attr-defined]
    return answer


def leader_heads_home_school() -> Exists:
    """An annotation: whether the agreement's leader holds the headteacher role at its home
    school (saves a query per agreement in lists)."""
    return Exists(
        RoleAssignment.objects.filter(
            user_id=OuterRef("leader__user_id"),
            role=Role.HEADTEACHER,
            school_id=OuterRef("home_school_id"),
        )
    )


def parties_held_by(user: User, deployment: Deployment) -> list[Party]:
    """The parties ``user`` may sign for, in signing order (empty: not a party)."""
    if not getattr(user, "is_authenticated", False):
        return []
    held: list[Party] = []
    is_leader = user.pk == deployment.leader.user_id
    if is_leader:
        held.append(Party.LEADER)
    urns = headteacher_school_urns(user)
    if deployment.home_school_id in urns and not is_leader:
        held.append(Party.HOME_HEADTEACHER)
    if deployment.client_school_id in urns:
        held.append(Party.CLIENT_HEADTEACHER)
    if deployment.organisation_id in organisation_ids_for(user, [Role.BROKER_LEAD]):
        held.append(Party.BROKER_LEAD)
    return held


def signed_as_for(deployment: Deployment, party: Party) -> str:
    """How a signature reads on the agreement, e.g. "Headteacher of Ermine Primary Academy"."""
    if party == Party.LEADER:
        return "System leader"
    if party == Party.HOME_HEADTEACHER:
        if leader_is_home_headteacher(deployment):
            return f"{CHAIR_OF_GOVERNORS} of {deployment.home_school.name}"
        return f"Headteacher of {deployment.home_school.name}"
    if party == Party.CLIENT_HEADTEACHER:
        return f"Headteacher of {deployment.client_school.name}"
    return f"Broker lead for {deployment.organisation.name}"


def party_label(deployment: Deployment, party: Party) -> str:
    """The party in words, as the sign page and "waiting for" lists name it."""
    if party == Party.HOME_HEADTEACHER and leader_is_home_headteacher(deployment):
        return f"The chair of governors of {deployment.home_school.name}"
    return {
        Party.LEADER: f"The system leader ({deployment.leader.user.get_full_name()})",
        Party.HOME_HEADTEACHER: f"The headteacher of {deployment.home_school.name}",
        Party.CLIENT_HEADTEACHER: f"The headteacher of {deployment.client_school.name}",
        Party.BROKER_LEAD: f"The broker lead of {deployment.organisation.name}",
    }[party]


def party_in_sentence(deployment: Deployment, party: Party) -> str:
    """The party's label inside a sentence: "the headteacher of Ermine Primary Academy"."""
    label = party_label(deployment, party)
    return label[:1].lower() + label[1:]


def signatories(deployment: Deployment) -> dict[Party, list[User]]:
    """Everyone who may sign for each party (for e-mails asking them to sign), in two queries."""
    holders: dict[Party, list[User]] = {party: [] for party in PARTY_ORDER}
    leader_user = deployment.leader.user
    holders[Party.LEADER].append(leader_user)
    assignments = RoleAssignment.objects.filter(
        role__in=[Role.HEADTEACHER, Role.BROKER_LEAD], user__is_active=True
    ).select_related("user")
    for assignment in assignments.filter(
        school_id__in=[deployment.home_school_id, deployment.client_school_id]
    ) | assignments.filter(organisation_id=deployment.organisation_id):
        user = assignment.user
        if assignment.role == Role.HEADTEACHER:
            if assignment.school_id == deployment.home_school_id and user.pk != leader_user.pk:
                holders[Party.HOME_HEADTEACHER].append(user)
            if assignment.school_id == deployment.client_school_id:
                holders[Party.CLIENT_HEADTEACHER].append(user)
        elif (
            assignment.role == Role.BROKER_LEAD
            and assignment.organisation_id == deployment.organisation_id
        ):
            holders[Party.BROKER_LEAD].append(user)
    return holders
