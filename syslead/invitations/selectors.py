"""Reads of invitations: the ones a person may see and manage (404 for the rest)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.invitations.models import Invitation, InvitationStatus


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """An administrator sees every invitation; a coordinator those sent for its organisations."""
    queryset = Invitation.objects.select_related("organisation", "school", "invited_by")
    if is_administrator(user):
        return queryset
    return queryset.filter(sent_for_id__in=coordinated_organisation_ids(user))


def pending_invitations_for(user: User) -> QuerySet[Invitation]:
    return invitations_visible_to(user).filter(status=InvitationStatus.PENDING)


def invitation_for_user(user: User, invitation_id: int | str) -> Invitation:
    """One invitation the user may see, or 404 (unknown and invisible alike)."""
    try:
        return invitations_visible_to(user).get(pk=int(invitation_id))
    except (ValueError, TypeError, OverflowError, Invitation.DoesNotExist):
        raise Http404("No such invitation.") from None
