"""Who may see and run a broker's board (docs/access.md, "Board"): the organisation's
coordinators and broker leads, and administrators, run it (as its alliance,
``syslead.alliances.access.may_manage_alliance``); a person who sits on the board today and whose
Syslead account is linked to their seat may read its page, and change nothing. The one access
rule of this area."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from syslead.accounts.models import User
from syslead.alliances.access import alliance_organisations_for, may_manage_alliance
from syslead.boards.models import ActionItem, BoardMember, BudgetLine
from syslead.core.exceptions import NotAllowed
from syslead.organisations.models import Organisation

MAY_NOT_READ = "Only the organisation's coordinators, broker leads and board members see its board."
MAY_NOT_CHANGE = "Only the organisation's coordinators and broker leads may change its board."


def may_manage_board(user: User, organisation_id: int) -> bool:
    """Coordinators and broker leads of the organisation, and administrators."""
    return may_manage_alliance(user, organisation_id)


def board_seat_organisation_ids(user: User) -> set[int]:
    """The organisations on whose board the user sits today (a seat linked to their account)."""
    if not user.is_authenticated:
        return set()
    today = timezone.localdate()
    return set(
        BoardMember.objects.filter(user=user, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("organisation_id", flat=True)
    )


def may_read_board(user: User, organisation_id: int) -> bool:
    return may_manage_board(user, organisation_id) or organisation_id in (
        board_seat_organisation_ids(user)
    )


def organisation_for_board(
    user: User, organisation_id: int, *, change: bool = False
) -> Organisation:
    """The organisation: Http404 when unknown, NotAllowed (403) when the user may not read its
    board (or, with ``change``, may not change it); an organisation's existence is no secret."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if change and not may_manage_board(user, organisation.pk):
        raise NotAllowed(MAY_NOT_CHANGE)
    if not may_read_board(user, organisation.pk):
        raise NotAllowed(MAY_NOT_READ)
    return organisation


def board_organisations_for(user: User) -> list[Organisation]:
    """The organisations whose board the user may read."""
    run = list(alliance_organisations_for(user))
    seats = board_seat_organisation_ids(user) - {o.pk for o in run}
    if seats:
        run += list(Organisation.objects.filter(pk__in=seats))
    return sorted(run, key=lambda o: o.name)


def _for_change(user: User, organisation_id: int, what: str) -> None:
    """A record of a board the user may not change: 403 if they read the board, else 404."""
    if may_manage_board(user, organisation_id):
        return
    if may_read_board(user, organisation_id):
        raise NotAllowed(MAY_NOT_CHANGE)
    raise Http404(f"No such {what}.")


def board_member_for_change(user: User, member_id: int) -> BoardMember:
    found = BoardMember.objects.select_related("organisation", "user").filter(pk=member_id).first()
    if found is None:
        raise Http404("No such board member.")
    _for_change(user, found.organisation_id, "board member")
    return found


def action_for_change(user: User, action_id: int) -> ActionItem:
    found = ActionItem.objects.select_related("organisation").filter(pk=action_id).first()
    if found is None:
        raise Http404("No such action.")
    _for_change(user, found.organisation_id, "action")
    return found


def budget_line_for_change(user: User, line_id: int) -> BudgetLine:
    found = BudgetLine.objects.select_related("organisation").filter(pk=line_id).first()
    if found is None:
        raise Http404("No such budget line.")
    _for_change(user, found.organisation_id, "budget line")
    return found
