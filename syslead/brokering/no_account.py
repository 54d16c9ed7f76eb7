"""Requests waiting on someone who has no account say so (docs/rules.md, "Requests"): a request
waiting for the school's choice whose school has no headteacher with an active account cannot
move until someone invites them (or, on the local authority route, a coordinator records the
headteacher's choice on their behalf)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from syslead.accounts.models import Role, RoleAssignment
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.invitations.models import Invitation, InvitationStatus


@dataclass(frozen=True)
class NoAccount:
    """Who the request waits on, in words, and the invitations already sent to them."""

    who: str
    invitations: tuple[Invitation, ...]
    may_record_choice: bool

    @property
    def sentence(self) -> str:
        return f"Waiting on {self.who}, who has no account"


def schools_without_head(urns: Iterable[int]) -> set[int]:
    """Of ``urns``, the schools no one with an active account heads (one query)."""
    wanted = set(urns)
    headed = set(
        RoleAssignment.objects.filter(
            role=Role.HEADTEACHER, school_id__in=wanted, user__is_active=True
        ).values_list("school_id", flat=True)
    )
    return wanted - headed


def head_invitations(urn: int) -> tuple[Invitation, ...]:
    """Invitations sent to be the school's headteacher, not yet accepted."""
    return tuple(
        Invitation.objects.filter(
            role=Role.HEADTEACHER, school_id=urn, status=InvitationStatus.PENDING
        ).order_by("created_at", "pk")
    )


def waiting_on_no_account(support_request: SupportRequest) -> NoAccount | None:
    """The request waits for the school's choice and no one with an account heads the school."""
    if support_request.status != RequestStatus.AWAITING_CHOICE:
        return None
    if not schools_without_head([support_request.school_id]):
        return None
    return NoAccount(
        who=f"the headteacher of {support_request.school.name}",
        invitations=head_invitations(support_request.school_id),
        may_record_choice=support_request.route == Route.LOCAL_AUTHORITY,
    )
