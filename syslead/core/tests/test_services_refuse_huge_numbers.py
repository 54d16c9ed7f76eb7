"""The services the pages and the API share refuse numbers beyond any range with a field error
(a ValidationError), never a ``decimal.InvalidOperation`` (1e30 % 0.5 cannot be computed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.services import request_create
from syslead.capacity.days import parse_days
from syslead.core.academic_years import AcademicYear
from syslead.deployments.tests.factories import make_leader
from syslead.leaders.models import ReleaseAgreement
from syslead.leaders.services import release_set
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.mark.parametrize("days", [Decimal("1e30"), Decimal("-1e30"), Decimal("NaN")])
def test_release_days_of_1e30_are_a_field_error(
    coordinator: User, leader_user: User, home_school: School, alliance: Organisation, days: Decimal
) -> None:
    leader = make_leader(leader_user, home_school, alliance, release_days=None)
    with pytest.raises(ValidationError) as raised:
        release_set(
            actor=coordinator,
            leader=leader,
            academic_year=AcademicYear(2026),
            days=days,
            agreed_on=dt.date(2026, 7, 1),
        )
    assert "days" in raised.value.message_dict
    assert not ReleaseAgreement.objects.exists()


@pytest.mark.parametrize("text", ["1e30", "-1e30", "NaN", "seven"])
def test_days_typed_as_1e30_are_refused_where_they_are_read(text: str) -> None:
    """Text is read at the boundary (a form, the API, an import's cells): the service takes a
    ``Decimal``, so the reader says what is wrong."""
    with pytest.raises(ValueError, match="days"):
        parse_days(text)


@pytest.mark.parametrize("days", [Decimal("1e30"), Decimal("NaN"), Decimal("-1e30")])
def test_days_requested_of_1e30_are_a_field_error(
    coordinator: User, alliance: Organisation, client_school: School, days: Decimal
) -> None:
    with pytest.raises(ValidationError) as raised:
        request_create(
            actor=coordinator,
            school_urn=client_school.urn,
            organisation=alliance,
            route="school",
            needs=["maths"],
            days_requested=days,
            summary="Maths.",
            chair_of_governors_agreed=True,
        )
    assert "days_requested" in raised.value.message_dict
    assert not SupportRequest.objects.exists()
