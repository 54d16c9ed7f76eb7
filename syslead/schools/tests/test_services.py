"""The register's one-off writes: add and correct a school (the API's POST /schools)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from syslead.accounts.models import User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.schools.models import OfstedRating, Phase, School
from syslead.schools.services import school_create, school_update


def _create(actor: User | None, **extra: object) -> School:
    fields: dict[str, object] = {
        "urn": 100012,
        "name": "Carlton Primary School",
        "phase": "primary",
        "local_authority": "Camden",
        "postcode": "nw5 4ax",
        "latitude": 51.5497,
        "longitude": -0.1495,
        "ofsted_rating": "Good",
    }
    fields.update(extra)
    return school_create(actor=actor, **fields)  # type: ignore[arg-type]


def test_coordinator_adds_a_school_with_tidy_postcode_search_text_and_an_event(
    coordinator: User,
) -> None:
    school = _create(coordinator)

    school.refresh_from_db()
    assert school.phase == Phase.PRIMARY
    assert school.postcode == "NW5 4AX"
    assert school.postcode_compact == "NW54AX"
    assert school.ofsted_rating == OfstedRating.GOOD
    assert school.name_search == "carlton primary school"
    assert [e.verb for e in events_for(school)] == ["school.created"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("outstanding", "outstanding"),
        ("Requires Improvement", "requires_improvement"),
        ("REQUIRES_IMPROVEMENT", "requires_improvement"),
        ("", ""),
    ],
)
def test_ofsted_rating_is_accepted_as_code_or_label_in_any_case(
    administrator: User, given: str, stored: str
) -> None:
    assert _create(administrator, ofsted_rating=given).ofsted_rating == stored


def test_phase_is_accepted_as_code_or_label(administrator: User) -> None:
    assert _create(administrator, phase="All-through").phase == Phase.ALL_THROUGH


def test_a_second_school_with_the_same_urn_is_refused(administrator: User) -> None:
    _create(administrator)

    with pytest.raises(RuleViolation) as refused:
        _create(administrator, name="Another")

    assert refused.value.rule == "school_exists"
    assert School.objects.count() == 1


def test_invalid_fields_are_all_reported_by_name(administrator: User) -> None:
    with pytest.raises(ValidationError) as invalid:
        _create(
            administrator,
            name=" ",
            phase="infants",
            postcode="not a postcode",
            latitude=10.0,
            ofsted_rating="brilliant",
        )

    assert set(invalid.value.message_dict) == {
        "name",
        "phase",
        "postcode",
        "latitude",
        "ofsted_rating",
    }
    assert not School.objects.exists()


def test_latitude_without_longitude_is_refused(administrator: User) -> None:
    with pytest.raises(ValidationError) as invalid:
        _create(administrator, longitude=None)

    assert "longitude" in invalid.value.message_dict


def test_a_school_without_location_or_postcode_is_accepted(administrator: User) -> None:
    school = _create(administrator, postcode="", latitude=None, longitude=None, ofsted_rating="")

    assert school.latitude is None
    assert school.postcode == ""


def test_a_stranger_may_not_add_a_school(stranger: User) -> None:
    with pytest.raises(NotAllowed):
        _create(stranger)


def test_a_headteacher_may_not_add_a_school(client_head: User) -> None:
    with pytest.raises(NotAllowed):
        _create(client_head)


def test_update_changes_only_the_given_fields_and_logs_the_change(administrator: User) -> None:
    _create(administrator)

    school = school_update(actor=administrator, urn=100012, ofsted_rating="outstanding")

    assert school.ofsted_rating == OfstedRating.OUTSTANDING
    assert school.name == "Carlton Primary School"
    assert school.latitude == 51.5497
    updated = [e for e in events_for(school) if e.verb == "school.updated"]
    assert updated[0].data == {"changes": {"ofsted_rating": ["good", "outstanding"]}}


def test_update_refreshes_the_search_text_when_the_name_changes(administrator: User) -> None:
    _create(administrator)

    school = school_update(actor=administrator, urn=100012, name="Carlton Academy", town="London")

    assert school.name_search == "carlton academy london"


def test_update_may_clear_the_location(administrator: User) -> None:
    _create(administrator)

    school = school_update(actor=administrator, urn=100012, latitude=None, longitude=None)

    assert school.latitude is None
    assert school.longitude is None


def test_update_of_an_unknown_urn_is_not_found(administrator: User) -> None:
    with pytest.raises(Http404):
        school_update(actor=administrator, urn=999999, name="Nowhere")


def test_an_update_that_changes_nothing_writes_no_event(administrator: User) -> None:
    school = _create(administrator)

    school_update(actor=administrator, urn=school.urn, name="Carlton Primary School")

    assert [e.verb for e in events_for(school)] == ["school.created"]


def test_a_zoomed_maps_land_is_read_once_and_drawn_again_when_a_school_is_added(
    coordinator: User,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The land of a map zoomed to an area (unmet demand's map) is kept per box until the register
    changes: adding a school redraws it with the school's cell."""
    from django.core.cache import cache

    from syslead.schools.maps import Extent

    cache.clear()
    box = Extent(51.50, 51.60, -0.25, -0.05)
    first = box.land_path()
    assert first == ""  # no school in the box yet
    with django_assert_num_queries(0):
        assert box.land_path() == first
    with django_capture_on_commit_callbacks(execute=True):
        _create(coordinator)  # Carlton Primary School, inside the box
    drawn = box.land_path()
    assert drawn.startswith("M")
    assert drawn != first
