"""Raising, withdrawing and wait-listing requests (docs/rules.md: Requests, the two routes
by which support is identified)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from syslead.accounts.access import (
    has_role,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.access import school_not_choosable, schools_to_ask_for
from syslead.brokering.eligibility import days_text, words
from syslead.brokering.models import (
    Approach,
    LaCriterion,
    Route,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.services._helpers import (
    _lock,
    _require_broker,
    _resolve_organisation,
    _resolve_school,
)
from syslead.brokering.transitions import APPROACH_TRANSITIONS, REQUEST_TRANSITIONS
from syslead.brokering.vocabulary import known_specialism_codes
from syslead.capacity.days import is_half_day_multiple
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, field_error
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

# --- Raising a request ---------------------------------------------------------------------------


def _may_raise_somewhere(actor: User) -> bool:
    return is_administrator(actor) or has_role(actor, Role.COORDINATOR, Role.SIP, Role.HEADTEACHER)


def _check_may_raise(actor: User, school: School, organisation: Organisation, route: str) -> None:
    if is_administrator(actor):
        return
    if organisation.pk in organisation_ids_for(actor, [Role.COORDINATOR]):
        return
    if organisation.pk in organisation_ids_for(actor, [Role.SIP]) and (
        route == Route.LOCAL_AUTHORITY or school.urn in headteacher_school_urns(actor)
    ):
        return
    if organisation.pk in organisation_ids_for(actor, [Role.SIP]):
        raise NotAllowed(
            "A SIP raises requests on the local authority route (the school route's requests are "
            "the school's and the broker's)."
        )
    if school.urn in headteacher_school_urns(actor):
        if route == Route.LOCAL_AUTHORITY:
            raise NotAllowed(
                "On the local authority route the LA team or the school's SIP raises the request; "
                "as headteacher, ask on the school route."
            )
        return
    raise NotAllowed(
        f"Only a coordinator or SIP of {organisation.name}, or the headteacher of {school.name}, "
        "may ask for support for this school."
    )


def _validate_request_fields(
    *,
    organisation: Organisation,
    route: str,
    needs: Sequence[str],
    days_requested: Decimal,
    summary: str,
    academic_year: AcademicYear | None,
    la_criteria: Sequence[str],
) -> tuple[list[str], Decimal, str, list[str]]:
    errors = FieldErrors()
    if route not in Route.values:
        errors["route"] = [f"Choose one of: {', '.join(Route.values)}."]
    clean_needs: list[str] = []
    if not needs:
        errors["needs"] = ["Name at least one specialism the school needs."]
    else:
        clean_needs = list(dict.fromkeys(n.strip() for n in needs))
        unknown = sorted(set(clean_needs) - known_specialism_codes(organisation.pk))
        if unknown:
            errors["needs"] = [f"Not a known specialism: {', '.join(unknown)}."]
    days = days_requested
    if not days.is_finite():
        errors["days_requested"] = ["Give the number of days as a number, e.g. 5 or 7.5."]
    elif days <= 0:
        errors["days_requested"] = ["The days asked for must be more than 0."]
    elif days > Decimal("999"):  # before the remainder: 1e30 % 0.5 is an InvalidOperation
        errors["days_requested"] = ["That is more days than a leader could give."]
    elif not is_half_day_multiple(days):
        errors["days_requested"] = ["Days are whole or half days, e.g. 5 or 7.5."]
    if not (summary or "").strip():
        errors["summary"] = ["Say briefly what support the school needs."]
    year_label = (academic_year or AcademicYear.current()).label
    criteria = list(dict.fromkeys(la_criteria))
    if route == Route.LOCAL_AUTHORITY:
        bad = sorted(set(criteria) - set(LaCriterion.values))
        if bad:
            errors["la_criteria"] = [f"Not an identification criterion: {', '.join(bad)}."]
        elif not criteria:
            errors["la_criteria"] = [
                "Tick at least one reason the LA team and the SIP identified the school."
            ]
    else:
        criteria = []
    errors.raise_if_any()
    return clean_needs, days, year_label, criteria


@transaction.atomic
def request_create(
    *,
    actor: User,
    school_urn: int,
    organisation: Organisation | int,
    route: str,
    needs: Sequence[str],
    days_requested: Decimal,
    summary: str,
    academic_year: AcademicYear | None = None,
    context: str = "",
    preferred_timing: str = "",
    key_areas: str = "",
    la_criteria: Sequence[str] = (),
    chair_of_governors_agreed: bool = False,
) -> SupportRequest:
    """Ask for support on the school route (the headteacher, with the chair of governors) or the
    LA route (the LA team or SIP, ticking why the school was identified: docs/rules.md,
    Requests). Coordinator or SIP of the organisation; a headteacher
    for their own school."""
    if not _may_raise_somewhere(actor):
        raise NotAllowed("You may not ask for support.")
    school = _resolve_school(school_urn)
    org = _resolve_organisation(organisation)
    lookup_errors = FieldErrors()
    if school is None:
        lookup_errors["school"] = [f"No school with URN {school_urn} is on the register."]
    if org is None:
        lookup_errors["organisation"] = ["No such organisation."]
    lookup_errors.raise_if_any()
    assert school is not None
    assert org is not None
    _check_may_raise(actor, school, org, route)
    if not schools_to_ask_for(actor, route, org).filter(pk=school.pk).exists():
        raise field_error("school", school_not_choosable(school, org))
    clean_needs, days, year_label, criteria = _validate_request_fields(
        organisation=org,
        route=route,
        needs=needs,
        days_requested=days_requested,
        summary=summary,
        academic_year=academic_year,
        la_criteria=la_criteria,
    )
    support_request = SupportRequest(
        organisation=org,
        school=school,
        route=route,
        academic_year=year_label,
        needs=clean_needs,
        phase=school.phase,
        days_requested=days,
        summary=summary.strip(),
        context=context.strip(),
        preferred_timing=preferred_timing.strip(),
        key_areas=key_areas.strip(),
        la_criteria=criteria,
        chair_of_governors_agreed=bool(chair_of_governors_agreed) and route == Route.SCHOOL,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    support_request.full_clean()
    support_request.save()
    route_words = "school route" if route == Route.SCHOOL else "local authority route"
    extra = ""
    if route == Route.SCHOOL and support_request.chair_of_governors_agreed:
        extra = "; the chair of governors agrees"
    elif criteria:
        extra = "; identified because: " + "; ".join(
            str(LaCriterion(c).label).lower() for c in criteria
        )
    event_record(
        actor=actor,
        subject=support_request,
        verb="request.raised",
        summary=(
            f"Support asked for {school.name} on the {route_words}: {words(clean_needs)}, "
            f"{days_text(days)} in {year_label}{extra}"
        ),
        data={
            "route": route,
            "needs": clean_needs,
            "days_requested": str(days),
            "academic_year": year_label,
            "la_criteria": criteria,
            "chair_of_governors_agreed": support_request.chair_of_governors_agreed,
        },
    )
    return support_request


@transaction.atomic
def request_withdraw(*, actor: User, request: SupportRequest, reason: str) -> SupportRequest:
    """Withdraw a request that no longer needs a leader: a coordinator of its organisation or the
    school's headteacher; open approaches are withdrawn with it."""
    support_request = _lock(request)
    REQUEST_TRANSITIONS.require_permitted(
        "withdraw",
        actor,
        support_request,
        "Only the broker's coordinator or the school's headteacher may withdraw it.",
    )
    if not reason.strip():
        raise field_error("reason", "Say why the request is withdrawn.")
    REQUEST_TRANSITIONS.require_source("withdraw", support_request)
    sources, target = APPROACH_TRANSITIONS.bulk_targets("withdrawn_with_request")
    Approach.objects.filter(support_request=support_request, status__in=sources).update(
        status=target, responded_at=timezone.now()
    )
    ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
        is_live=False
    )
    REQUEST_TRANSITIONS.apply(
        "withdraw",
        support_request,
        actor=actor,
        summary=f"Request withdrawn: {reason.strip()}",
        data={"reason": reason.strip()},
    )
    return support_request


@transaction.atomic
def request_waitlist(*, actor: User, request: SupportRequest, reason: str = "") -> SupportRequest:
    """Put a request no leader can take now on the waiting list (a coordinator): it counts as
    unmet demand and may be allocated in a later round."""
    support_request = _lock(request)
    _require_broker(actor, support_request, "waitlist")
    REQUEST_TRANSITIONS.require_source("waitlist", support_request)
    ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
        is_live=False
    )
    REQUEST_TRANSITIONS.apply(
        "waitlist",
        support_request,
        actor=actor,
        summary="Put on the waiting list" + (f": {reason.strip()}" if reason.strip() else ""),
        data={"reason": reason.strip()},
    )
    return support_request


# --- Steps that follow a deployment agreement -----------------------------------------------------


def request_require_agreeable(support_request: SupportRequest) -> None:
    """Refuse (409) making an agreement for a request that is withdrawn or closed."""
    REQUEST_TRANSITIONS.require_source(
        "agree",
        support_request,
        f"The request is {support_request.get_status_display().lower()}: no agreement can be "
        "made for it.",
    )


def request_mark_agreed(
    *, actor: User, request: SupportRequest, deployment_id: int, leader: LeaderProfile
) -> SupportRequest:
    """An agreement was made for the request (called by the deployments service, inside its
    transaction and under its lock of the request): the request is agreed, with the agreement's
    leader as its chosen one if none was chosen."""
    fields = []
    if request.chosen_leader_id is None:
        request.chosen_leader_id = leader.pk
        fields.append("chosen_leader")
    REQUEST_TRANSITIONS.apply(
        "agree",
        request,
        actor=actor,
        update_fields=fields,
        summary=f"Deployment agreement {deployment_id} made with {leader.user.get_full_name()}",
        data={"deployment": deployment_id, "leader": leader.pk},
    )
    return request


def request_agreement_cancelled(
    *, actor: User, request: SupportRequest, deployment_id: int
) -> SupportRequest:
    """The request's only agreement in force was cancelled (called by the deployments service,
    which locks the request and checks no other agreement is in force): it goes back to its leader
    being chosen, or open when none was."""
    if not REQUEST_TRANSITIONS.in_source("agreement_cancelled", request):
        return request
    REQUEST_TRANSITIONS.apply(
        "agreement_cancelled" if request.chosen_leader_id else "agreement_cancelled_unmatched",
        request,
        actor=actor,
        summary=f"Deployment agreement {deployment_id} cancelled: no agreement in force",
        data={"deployment": deployment_id},
    )
    return request
