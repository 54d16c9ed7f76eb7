"""Who may see and change a local authority's term dates, and whose calendar a feed shows. The
one access rule of this area.

*Term dates*: an organisation's coordinators (and administrators) read and set the term dates of
the organisation's local authority (its own, for a local authority; its lead school's otherwise).
Anyone else signed in gets 403 for a known organisation (organisations are public), 404 for an
unknown one.

*Calendar feed*: the secret address is the only key; it shows its owner's own items, nobody
else's. A visit's calendar file is read by whoever may read the visit.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.access import can_coordinate, coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed
from syslead.organisations.models import Organisation


def may_set_term_dates(user: User, organisation: Organisation) -> bool:
    """The organisation's coordinators, and administrators."""
    return can_coordinate(user, organisation.pk)


def term_dates_organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations whose term dates the person may set."""
    if is_administrator(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=coordinated_organisation_ids(user)).order_by("name")


def organisation_for_term_dates(user: User, slug: str) -> Organisation:
    """The organisation: Http404 when unknown, NotAllowed (403) when the person may not set its
    local authority's term dates."""
    organisation = Organisation.objects.select_related("lead_school").filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if not may_set_term_dates(user, organisation):
        raise NotAllowed(
            "Only the organisation's coordinators may see or set its local authority's term dates."
        )
    return organisation
