"""What the board shows on the home page (``syslead.core.home.HOME_SOURCES``): the overdue
actions of the board's action plan, each with what to do, for the coordinators and broker leads
of the organisation (a person with both roles sees them once); and, for a person who sits on a
board they do not run, the way to its page (docs/alliances.md, "The board")."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import broker_organisation_ids, has_role
from syslead.accounts.models import Role, User
from syslead.boards.access import board_seat_organisation_ids
from syslead.boards.selectors import overdue_actions
from syslead.core.home import AttentionItem, Block, Link, Section
from syslead.organisations.models import Organisation


def coordinator_board(user: User) -> Iterator[Block]:
    today = timezone.localdate()
    for item in overdue_actions(broker_organisation_ids(user), today):
        late = (today - item.due_on).days
        yield AttentionItem(
            text=f"Board action overdue ({item.organisation.name}): {item.action[:120]}",
            url=reverse("boards:action_edit", args=[item.pk]),
            detail=f"Due {item.due_on:%-d %B %Y}, {late} day{'s' if late != 1 else ''} ago; "
            f"owner {item.owner}. Ask the owner, then mark it done or agree a new date.",
        )


def broker_lead_board(user: User) -> Iterator[Block]:
    """The same for a broker lead who is not also a coordinator (who sees it already)."""
    if has_role(user, Role.COORDINATOR):
        return
    yield from coordinator_board(user)


#: The roles whose home page shows the boards the person sits on (those who run a board see it
#: through the alliance's section), in the home page's order: the first the person holds shows it.
SEAT_ROLES = (Role.SIP, Role.SYSTEM_LEADER, Role.HEADTEACHER)


def _board_seats(user: User, role: str) -> Iterator[Block]:
    if has_role(user, *SEAT_ROLES[: SEAT_ROLES.index(role)]):
        return
    seats = board_seat_organisation_ids(user) - broker_organisation_ids(user)
    if not seats:
        return
    organisations = Organisation.objects.filter(pk__in=seats).order_by("name")
    yield Section(
        title="Boards you sit on",
        template="boards/home/seats.html",
        links=tuple(
            Link(f"The board of {o.name}", reverse("boards:board", args=[o.pk]))
            for o in organisations
        ),
    )


def sip_board_seats(user: User) -> Iterator[Block]:
    yield from _board_seats(user, Role.SIP)


def system_leader_board_seats(user: User) -> Iterator[Block]:
    yield from _board_seats(user, Role.SYSTEM_LEADER)


def headteacher_board_seats(user: User) -> Iterator[Block]:
    yield from _board_seats(user, Role.HEADTEACHER)
