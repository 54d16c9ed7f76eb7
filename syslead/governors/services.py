"""Naming and removing a school's governing body (docs/rules.md, "The governing body"): an
invitation by e-mail, through the invitations service, for the chair of governors or governor role
at the school; the account is made (or the role added) on acceptance. Removing takes the role away
or cancels the invitation not yet accepted."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from syslead.accounts.models import GOVERNOR_ROLES, Role, RoleAssignment, User
from syslead.accounts.services import role_revoke
from syslead.core.exceptions import NotAllowed
from syslead.governors.access import may_name_chair, may_name_governors
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invitations.services import InvitationOutcome, invitation_cancel, invitation_send
from syslead.schools.models import School


def governing_body(school: School) -> QuerySet[RoleAssignment]:
    """The school's chair and governors, the chair first."""
    return (
        RoleAssignment.objects.filter(school=school, role__in=sorted(GOVERNOR_ROLES))
        .select_related("user")
        .order_by("role", "user__name")
    )


def pending_governor_invitations(school: School) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        school=school, role__in=sorted(GOVERNOR_ROLES), status=InvitationStatus.PENDING
    ).order_by("name")


def governor_invite(
    *, actor: User, school: School, name: str, email: str, chair: bool, site_url: str = ""
) -> InvitationOutcome:
    """Invite someone to the school's governing body: the headteacher names the chair and
    governors, the chair names governors (``NotAllowed`` otherwise)."""
    if not may_name_governors(actor, school) or (chair and not may_name_chair(actor, school)):
        raise NotAllowed(
            "Only the school's headteacher names the chair of governors; the headteacher and the "
            "chair name governors."
        )
    return invitation_send(
        actor=actor,
        email=email,
        name=name,
        role=Role.CHAIR_OF_GOVERNORS if chair else Role.GOVERNOR,
        school_urn=school.urn,
        site_url=site_url,
    )


@transaction.atomic
def governor_remove(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a governor's role at the school away: whoever may name that governor (the
    headteacher anyone of the governing body, the chair the governors)."""
    if assignment.role not in GOVERNOR_ROLES:
        raise NotAllowed("This is not a role on a governing body.")
    role_revoke(actor=actor, assignment=assignment)


def governor_invitation_cancel(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation to the governing body before it is accepted."""
    if invitation.role not in GOVERNOR_ROLES:
        raise NotAllowed("This is not an invitation to a governing body.")
    return invitation_cancel(actor=actor, invitation=invitation)
