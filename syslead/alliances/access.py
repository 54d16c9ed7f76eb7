"""Who may see and run an organisation's alliance business (members, meetings, referrals): its
coordinators and broker leads, and administrators. The one access rule of this area."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.access import broker_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember, Meeting
from syslead.core.exceptions import NotAllowed
from syslead.core.queries import one_or_none
from syslead.organisations.models import Organisation


def may_manage_alliance(user: User, organisation_id: int) -> bool:
    """Coordinators and broker leads of the organisation, and administrators."""
    return is_administrator(user) or organisation_id in broker_organisation_ids(user)


def alliance_organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations whose alliance the user may run."""
    if is_administrator(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=broker_organisation_ids(user)).order_by("name")


def organisation_for_alliance(user: User, organisation_id: int) -> Organisation:
    """The organisation: Http404 when unknown, NotAllowed (403) when known but not the user's to
    run (as for charging policies: an organisation's existence is no secret)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if not may_manage_alliance(user, organisation.pk):
        raise NotAllowed(
            "Only the organisation's coordinators and broker leads may see or change its "
            "alliance's members and meetings."
        )
    return organisation


def member_for_user(user: User, member_id: int) -> AllianceMember:
    """A membership the user may see; Http404 for an unknown one or one of another alliance."""
    member = one_or_none(
        AllianceMember.objects.select_related("school", "organisation").filter(pk=member_id)
    )
    if member is None or not may_manage_alliance(user, member.organisation_id):
        raise Http404("No such member.")
    return member


def meeting_for_user(user: User, meeting_id: int) -> Meeting:
    """A meeting the user may see; Http404 for an unknown one or one of another alliance."""
    meeting = one_or_none(Meeting.objects.select_related("organisation").filter(pk=meeting_id))
    if meeting is None or not may_manage_alliance(user, meeting.organisation_id):
        raise Http404("No such meeting.")
    return meeting
