"""What the alliance area shows on the home page (``syslead.core.home.HOME_SOURCES``): members
referred to the board, and the way in, for the coordinators and broker leads of an organisation
(a person with both roles sees it once)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse

from syslead.accounts.access import broker_organisation_ids, has_role
from syslead.accounts.models import Role, User
from syslead.alliances.models import AllianceMember
from syslead.core.home import AttentionItem, Block, Link, Section


def coordinator_alliance(user: User) -> Iterator[Block]:
    organisation_ids = broker_organisation_ids(user)
    if not organisation_ids:
        return
    waiting = (
        AllianceMember.objects.filter(
            organisation_id__in=organisation_ids, left_on__isnull=True, referred_to_board=True
        )
        .values("organisation_id", "organisation__name")
        .annotate(count=Count("id"))
        .order_by("organisation__name")
    )
    for row in waiting:
        count = row["count"]
        yield AttentionItem(
            text=f"{count} member{'s' if count != 1 else ''} of {row['organisation__name']} "
            "referred to the board for missing two consecutive meetings",
            url=reverse("alliances:referrals", args=[row["organisation_id"]]),
        )
    yield Section(
        title="Alliance",
        template="alliances/home/section.html",
        links=(
            Link("Alliance members and termly meetings", reverse("alliances:index")),
            Link("The board: targets, action plan and budget", reverse("boards:index")),
        ),
    )


def broker_lead_alliance(user: User) -> Iterator[Block]:
    """The same for a broker lead who is not also a coordinator (who sees it already)."""
    if has_role(user, Role.COORDINATOR):
        return
    yield from coordinator_alliance(user)
