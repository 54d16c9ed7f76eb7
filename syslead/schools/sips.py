"""A school's named school improvement partner (SIP) (docs/rules.md, "The school's named SIP"):
who it is (``school_sip``, the one lookup), who may name one and whom, and the two writes (name a
SIP, end a naming).

- A local authority's coordinators (and administrators) name, for a school of the authority's
  area (``schools.selectors.organisation_schools``), one person holding the SIP role in the
  authority's organisation. Naming another SIP ends the current naming on the new naming's
  first day, so the history has no gap.
- At most one naming per school is current (a database constraint); ended ones are kept with
  their dates.
- A naming counts only while its SIP still holds the SIP role in the organisation that named them
  and their account is active: someone who left the authority is nobody's SIP.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from syslead.accounts.access import can_coordinate, coordinated_organisation_ids, is_administrator
from syslead.accounts.access import organisation_ids_for as role_organisation_ids
from syslead.accounts.models import Role, User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import NamedSip, School
from syslead.schools.selectors import organisation_schools

__all__ = [
    "current_named_sips",
    "end_named_sip",
    "may_name_sips",
    "name_sip",
    "named_sip_history",
    "named_sip_pairs",
    "named_sips_organisations_for",
    "organisation_for_named_sips",
    "school_sip",
    "sips_of",
]


def _counting(rows: QuerySet[NamedSip]) -> QuerySet[NamedSip]:
    """Current namings whose SIP is active and still a SIP of the naming organisation."""
    return rows.filter(
        ends_on__isnull=True,
        sip__is_active=True,
        sip__role_assignments__role=Role.SIP,
        sip__role_assignments__organisation_id=F("organisation_id"),
    )


def school_sip(
    school: School | int, *, organisation: Organisation | int | None = None
) -> User | None:
    """THE place to ask who a school's named SIP is: every area (deployments, visits, evaluation,
    the demo) calls this, never its own query.

    The person currently named for ``school`` (a School or its URN), or None when nobody is named,
    the naming ended, or the named person no longer holds the SIP role in the organisation that
    named them (or is deactivated). With ``organisation``, only a naming made by that
    organisation counts (an agreement's SIP is named by the agreement's own organisation). There
    is no fallback: a school without a named SIP has none, never "every SIP of the authority"."""
    urn = school.pk if isinstance(school, School) else school
    rows = _counting(NamedSip.objects.filter(school_id=urn))
    if organisation is not None:
        org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
        rows = rows.filter(organisation_id=org_id)
    named = rows.select_related("sip").first()
    return named.sip if named is not None else None


def named_sip_pairs(user: User) -> frozenset[tuple[int, int]]:
    """The (organisation id, school URN) pairs ``user`` is currently the named SIP for, counting
    only organisations in which they hold the SIP role now: what the access rules read. Cached on
    the user for the request; no query for someone who is no SIP."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[tuple[int, int]] | None = getattr(user, "_syslead_named_sip", None)
    if cached is not None:
        return cached
    sip_orgs = role_organisation_ids(user, [Role.SIP])
    pairs: frozenset[tuple[int, int]] = frozenset()
    if sip_orgs and user.is_active:
        pairs = frozenset(
            NamedSip.objects.filter(
                sip=user, ends_on__isnull=True, organisation_id__in=sip_orgs
            ).values_list("organisation_id", "school_id")
        )
    user._syslead_named_sip = pairs  # type: ignore[attr-defined]
    return pairs


def forget_named_sip(user: User) -> None:
    """Drop the per-request cache after a naming changes."""
    if hasattr(user, "_syslead_named_sip"):
        del user._syslead_named_sip


# --- Who names, and whom -------------------------------------------------------------------------


def may_name_sips(user: User, organisation: Organisation) -> bool:
    """A local authority's coordinators, and administrators, name its schools' SIPs."""
    return organisation.kind == OrganisationKind.LOCAL_AUTHORITY and can_coordinate(
        user, organisation.pk
    )


def named_sips_organisations_for(user: User) -> QuerySet[Organisation]:
    """The local authorities whose schools' SIPs the person may name."""
    authorities = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
    if is_administrator(user):
        return authorities.order_by("name")
    return authorities.filter(pk__in=coordinated_organisation_ids(user)).order_by("name")


def organisation_for_named_sips(user: User, slug: str) -> Organisation:
    """The organisation: Http404 when unknown, NotAllowed (403) when the person may not name its
    schools' SIPs (organisations are public, so a known one answers 403)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if not may_name_sips(user, organisation):
        raise NotAllowed(
            "Only a local authority's coordinators name its schools' improvement partners."
        )
    return organisation


def sips_of(organisation: Organisation | int) -> QuerySet[User]:
    """The active people holding the SIP role in the organisation: whom it may name, or copy in."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.SIP,
            role_assignments__organisation_id=org_id,
        )
        .distinct()
        .order_by("name", "email")
    )


def current_named_sips(organisation: Organisation) -> QuerySet[NamedSip]:
    """The organisation's current namings, by school name (the page's list)."""
    return (
        NamedSip.objects.filter(organisation=organisation, ends_on__isnull=True)
        .select_related("school", "sip")
        .order_by("school__name", "pk")
    )


def named_sip_history(organisation: Organisation, limit: int = 50) -> QuerySet[NamedSip]:
    """The organisation's ended namings, latest end first."""
    return (
        NamedSip.objects.filter(organisation=organisation, ends_on__isnull=False)
        .select_related("school", "sip")
        .order_by("-ends_on", "-pk")[:limit]
    )


# --- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def name_sip(
    *,
    actor: User,
    organisation: Organisation,
    school: School,
    sip: User,
    starts_on: dt.date | None = None,
) -> NamedSip:
    """Name ``sip`` the school's SIP from ``starts_on`` (today if not given), ending the school's
    current naming that day. Refused: anyone but the authority's coordinators (NotAllowed); a
    school outside its area, a person who is not one of its SIPs, a date in the future or before
    the current naming began, naming the SIP already named (field errors)."""
    if not may_name_sips(actor, organisation):
        raise NotAllowed(
            "Only a local authority's coordinators name its schools' improvement partners."
        )
    today = timezone.localdate()
    starts_on = starts_on or today
    if not organisation_schools(organisation).filter(pk=school.pk).exists():
        raise field_error(
            "school",
            f"{school.name} is not in {organisation.name}'s area: choose a school of the "
            "authority's area."
            if organisation.local_authority_name or organisation.areas
            else f"{organisation.name} has no area recorded: record its local authority first.",
        )
    if not sips_of(organisation).filter(pk=sip.pk).exists():
        raise field_error("sip", f"Choose a school improvement partner of {organisation.name}.")
    if starts_on > today:
        raise field_error("starts_on", "The date the SIP starts must be today or in the past.")
    # Lock the school's current naming, so two coordinators cannot both replace it.
    current = (
        NamedSip.objects.select_for_update().filter(school=school, ends_on__isnull=True).first()
    )
    if current is not None:
        if current.sip_id == sip.pk and current.organisation_id == organisation.pk:
            raise field_error("sip", f"{sip} is already {school.name}'s named SIP.")
        if current.organisation_id != organisation.pk and not is_administrator(actor):
            raise RuleViolation(
                f"{school.name}'s SIP was named by another organisation: ask its coordinators.",
                rule="named_by_another_organisation",
            )
        if starts_on < current.starts_on:
            raise field_error(
                "starts_on",
                f"The date must be on or after {current.starts_on:%-d %B %Y}, when the current "
                "SIP started.",
            )
        current.ends_on = starts_on
        current.ended_by = actor
        current.save(update_fields=["ends_on", "ended_by"])
    try:
        with transaction.atomic():
            named = NamedSip.objects.create(
                school=school,
                organisation=organisation,
                sip=sip,
                starts_on=starts_on,
                named_by=actor,
            )
    except IntegrityError as clash:  # another naming was made for the school at the same time
        raise RuleViolation(
            f"{school.name}'s SIP was changed at the same time: look again.",
            rule="named_sip_changed",
        ) from clash
    event_record(
        actor=actor,
        subject=organisation,
        verb="school.sip_named",
        summary=f"Named {sip} the SIP of {school.name} from {starts_on:%-d %B %Y}",
        data={
            "school": school.pk,
            "sip": sip.pk,
            "starts_on": starts_on.isoformat(),
            "replaced": current.sip_id if current is not None else None,
        },
    )
    forget_named_sip(sip)
    return named


@transaction.atomic
def end_named_sip(*, actor: User, named: NamedSip) -> NamedSip:
    """End a current naming today: the school has no named SIP until another is named."""
    named = NamedSip.objects.select_for_update().select_related("school", "sip").get(pk=named.pk)
    organisation = Organisation.objects.get(pk=named.organisation_id)
    if not may_name_sips(actor, organisation):
        raise NotAllowed(
            "Only a local authority's coordinators name its schools' improvement partners."
        )
    if named.ends_on is not None:
        raise RuleViolation("That naming has already ended.", rule="named_sip_ended")
    named.ends_on = max(timezone.localdate(), named.starts_on)
    named.ended_by = actor
    named.save(update_fields=["ends_on", "ended_by"])
    event_record(
        actor=actor,
        subject=organisation,
        verb="school.sip_ended",
        summary=f"{named.sip} is no longer the SIP of {named.school.name}",
        data={"school": named.school_id, "sip": named.sip_id, "ends_on": named.ends_on.isoformat()},
    )
    forget_named_sip(named.sip)
    return named
