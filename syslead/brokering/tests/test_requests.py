"""Raising requests on both routes: who may, what is checked, and the timeline it starts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import LaCriterion, RequestStatus, Route
from syslead.brokering.selectors import request_timeline, support_requests_for_user
from syslead.brokering.services import request_create, request_waitlist, request_withdraw
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import Specialism
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _school_route(actor: User, school: School, organisation: Organisation, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "actor": actor,
        "school_urn": school.urn,
        "organisation": organisation,
        "route": Route.SCHOOL,
        "needs": ["maths", "english"],
        "days_requested": Decimal(5),
        "summary": "Maths leadership in Key Stage 2.",
    }
    fields.update(extra)
    return request_create(**fields)


def test_headteacher_asks_for_support_for_their_own_school(
    client_head: User, client_school: School, alliance: Organisation
) -> None:
    created = _school_route(client_head, client_school, alliance, chair_of_governors_agreed=True)
    assert created.status == RequestStatus.OPEN
    assert created.phase == "primary"
    assert created.academic_year == AcademicYear.current().label
    assert created.days_requested == Decimal("5")
    assert created.chair_of_governors_agreed is True
    assert created.raised_by == client_head
    [event] = request_timeline(created)
    assert event.verb == "request.raised"
    assert event.summary == (
        f"Support asked for Ermine Primary Academy on the school route: maths and English, 5 days "
        f"in {created.academic_year}; the chair of governors agrees"
    )


def test_headteacher_cannot_ask_for_another_school(
    client_head: User, home_school: School, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        _school_route(client_head, home_school, alliance)


def test_headteacher_cannot_raise_an_la_route_request(
    client_head: User, client_school: School, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed, match="local authority route"):
        _school_route(
            client_head,
            client_school,
            alliance,
            route=Route.LOCAL_AUTHORITY,
            la_criteria=[LaCriterion.LEADERSHIP_RI],
        )


def test_sip_raises_an_la_route_request_ticking_the_criteria(
    sip: User, client_school: School, alliance: Organisation
) -> None:
    # A SIP chooses among their local authority's schools (docs/access.md).
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    created = _school_route(
        sip,
        client_school,
        alliance,
        route=Route.LOCAL_AUTHORITY,
        la_criteria=[LaCriterion.NEW_OR_ACTING_HEAD, LaCriterion.LEADERSHIP_RI],
        key_areas="Leadership of maths; assessment.",
        academic_year=AcademicYear.parse("2026-27"),
    )
    assert created.la_criteria == ["new_or_acting_head", "leadership_ri"]
    assert created.academic_year == "2026-27"
    assert "identified because: new or acting headteacher" in request_timeline(created)[0].summary


def test_la_route_needs_at_least_one_identification_criterion(
    coordinator: User, client_school: School, alliance: Organisation
) -> None:
    with pytest.raises(ValidationError) as caught:
        _school_route(coordinator, client_school, alliance, route=Route.LOCAL_AUTHORITY)
    assert "la_criteria" in caught.value.message_dict


def test_coordinator_of_another_organisation_may_not_raise_for_this_one(
    other_coordinator: User, client_school: School, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        _school_route(other_coordinator, client_school, alliance)


def test_stranger_may_not_raise_a_request(
    stranger: User, client_school: School, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        _school_route(stranger, client_school, alliance)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("route", "by_pigeon"),
        ("needs", ["maths", "knitting"]),
        ("needs", []),
        ("days_requested", Decimal(0)),
        ("days_requested", Decimal(-2)),
        ("days_requested", Decimal("NaN")),
        ("days_requested", Decimal("2.3")),
        ("summary", "  "),
    ],
)
def test_invalid_fields_are_named(
    coordinator: User, client_school: School, alliance: Organisation, field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        _school_route(coordinator, client_school, alliance, **{field: value})
    assert list(caught.value.message_dict) == [field]


def test_unknown_school_is_a_field_error(coordinator: User, alliance: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        request_create(
            actor=coordinator,
            school_urn=999999,
            organisation=alliance,
            route=Route.SCHOOL,
            needs=["maths"],
            days_requested=Decimal(5),
            summary="x",
        )
    assert list(caught.value.message_dict) == ["school"]


def test_organisations_own_specialisms_are_known_needs(
    coordinator: User, client_school: School, alliance: Organisation, other_org: Organisation
) -> None:
    Specialism.objects.create(code="oracy", label="Oracy", organisation=alliance)
    assert _school_route(coordinator, client_school, alliance, needs=["oracy"]).needs == ["oracy"]
    other = make_user("olga@southglos.test", "Olga", (Role.COORDINATOR, other_org))
    with pytest.raises(ValidationError):
        _school_route(other, client_school, other_org, needs=["oracy"])


def test_withdrawing_a_request_needs_a_reason_and_is_on_the_timeline(
    coordinator: User, maths_request: Any
) -> None:
    with pytest.raises(ValidationError):
        request_withdraw(actor=coordinator, request=maths_request, reason="")
    withdrawn = request_withdraw(actor=coordinator, request=maths_request, reason="Head left.")
    assert withdrawn.status == RequestStatus.WITHDRAWN
    assert request_timeline(withdrawn)[-1].summary == "Request withdrawn: Head left."
    with pytest.raises(RuleViolation):
        request_withdraw(actor=coordinator, request=withdrawn, reason="Again")


def test_coordinator_puts_a_request_on_the_waiting_list(
    coordinator: User, client_head: User, maths_request: Any
) -> None:
    with pytest.raises(NotAllowed):
        request_waitlist(actor=client_head, request=maths_request)
    waiting = request_waitlist(actor=coordinator, request=maths_request, reason="No maths SLE free")
    assert waiting.status == RequestStatus.WAITING_LIST


def test_who_sees_which_requests(
    maths_request: Any,
    coordinator: User,
    broker_lead: User,
    sip: User,
    client_head: User,
    home_head: User,
    other_coordinator: User,
    stranger: User,
    administrator: User,
) -> None:
    for user in (coordinator, broker_lead, client_head, administrator):
        assert list(support_requests_for_user(user)) == [maths_request]
    # A SIP sees the local authority route's requests of their organisation, not the school
    # route's (no SIP is named per school).
    for user in (home_head, other_coordinator, stranger, sip):
        assert list(support_requests_for_user(user)) == []
    type(maths_request).objects.filter(pk=maths_request.pk).update(route="local_authority")
    assert list(support_requests_for_user(sip)) == [maths_request]


def test_requests_from_the_factory_use_the_current_year(maths_request: Any) -> None:
    assert maths_request.academic_year == factories.YEAR
