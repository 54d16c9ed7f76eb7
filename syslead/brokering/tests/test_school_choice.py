"""Choosing a school (docs/ux.md, "Autocomplete"; docs/access.md, "Choosing a school"): one rule,
``schools_to_ask_for``, behind the school field's suggestions, the form's check and the service's
refusal. A SIP chooses only among their local authority's schools; a headteacher only their own."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.access import schools_to_ask_for
from syslead.brokering.models import LaCriterion, Route, SupportRequest
from syslead.brokering.services import request_create
from syslead.brokering.views.suggest import QUERY_MAX, SUGGESTIONS_SHOWN
from syslead.core.academic_years import AcademicYear
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
SUGGEST = reverse("brokering:school_suggestions")


@pytest.fixture
def lincolnshire(alliance: Organisation) -> Organisation:
    """The SIP's organisation, whose area is Lincolnshire."""
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    return alliance


@pytest.fixture
def oxford_school(db: None) -> School:
    """A school of another local authority, whose name a Lincolnshire SIP might type."""
    return make_school(140001, "Meadowbrook College", town="Oxford", local_authority="Oxfordshire")


@pytest.fixture
def meadowbrook(db: None) -> School:
    return make_school(120010, "Meadowbrook Primary School", town="Lincoln")


# --- The rule ------------------------------------------------------------------------------------


def test_a_sip_may_choose_only_schools_of_their_local_authority(
    sip: User, lincolnshire: Organisation, meadowbrook: School, oxford_school: School
) -> None:
    chosen = set(schools_to_ask_for(sip, Route.LOCAL_AUTHORITY, lincolnshire))
    assert meadowbrook in chosen
    assert oxford_school not in chosen


def test_a_sip_of_an_organisation_without_an_area_may_choose_no_school(
    sip: User, alliance: Organisation, meadowbrook: School
) -> None:
    assert not schools_to_ask_for(sip, Route.LOCAL_AUTHORITY, alliance).exists()


def test_a_headteacher_may_choose_only_their_own_school(
    client_head: User, client_school: School, alliance: Organisation, meadowbrook: School
) -> None:
    chosen = list(schools_to_ask_for(client_head, Route.SCHOOL, alliance))
    assert chosen == [client_school]
    assert not schools_to_ask_for(client_head, Route.LOCAL_AUTHORITY, alliance).exists()


def test_a_coordinator_may_choose_any_school(
    coordinator: User, alliance: Organisation, meadowbrook: School, oxford_school: School
) -> None:
    chosen = set(schools_to_ask_for(coordinator, Route.LOCAL_AUTHORITY, alliance))
    assert {meadowbrook, oxford_school} <= chosen


def test_a_sip_of_another_organisation_may_choose_nothing_in_its_name(
    lincolnshire: Organisation, other_org: Organisation, meadowbrook: School
) -> None:
    other_sip = make_user("sam@southglos.test", "Sam Sip", (Role.SIP, other_org))
    assert not schools_to_ask_for(other_sip, Route.LOCAL_AUTHORITY, lincolnshire).exists()


# --- The suggestions -----------------------------------------------------------------------------


def _suggest(client: Client, **params: Any) -> Any:
    response = client.get(SUGGEST, params)
    return response


def test_suggestions_for_a_sip_name_only_their_local_authoritys_schools(
    login: Login, sip: User, lincolnshire: Organisation, meadowbrook: School, oxford_school: School
) -> None:
    response = _suggest(login(sip), q="meadowbrook", organisation=lincolnshire.pk, **{"for": "la"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "urn": 120010,
                "name": "Meadowbrook Primary School",
                "town": "Lincoln",
                "la": "Lincolnshire",
            }
        ]
    }
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_suggestions_are_at_most_ten_within_a_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(SUGGESTIONS_SHOWN + 5):
        make_school(121000 + n, f"Brook School {n}", town="Lincoln")
    client = login(coordinator)
    with django_assert_max_num_queries(8):
        response = _suggest(client, q="brook", organisation=alliance.pk, **{"for": "la"})
    assert len(response.json()["results"]) == SUGGESTIONS_SHOWN


def test_suggestions_refuse_bad_input_with_a_detail(
    login: Login, coordinator: User, alliance: Organisation, meadowbrook: School
) -> None:
    client = login(coordinator)
    long = _suggest(client, q="x" * (QUERY_MAX + 1), **{"for": "any"})
    assert long.status_code == 400
    assert "at most 100" in long.json()["detail"]
    assert _suggest(client, q="meadow").status_code == 400  # no purpose
    assert _suggest(client, q="meadow", **{"for": "nonsense"}).status_code == 400
    for organisation in ("", "abc", "99999999999999999999", "0"):
        bad = _suggest(client, q="meadow", organisation=organisation, **{"for": "la"})
        assert bad.status_code == 400, organisation
        assert bad.json()["detail"] == "Choose the organisation first."
    short = _suggest(client, q="m", **{"for": "any"})
    assert short.status_code == 200
    assert short.json() == {"results": []}
    # Odd characters are words like any other: no match, never an error.
    odd = _suggest(client, q="%_'\"\\<script>", **{"for": "any"})
    assert odd.status_code == 200


def test_suggestions_any_school_for_a_direct_approach(
    login: Login, leader_user: User, meadowbrook: School, oxford_school: School
) -> None:
    response = _suggest(login(leader_user), q="meadowbrook", **{"for": "any"})
    assert {r["urn"] for r in response.json()["results"]} == {120010, 140001}


def test_suggestions_refuse_anonymous_visitors(client: Client, meadowbrook: School) -> None:
    response = client.get(SUGGEST, {"q": "meadow", "for": "any"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The server's refusal ------------------------------------------------------------------------


def _answers(organisation: Organisation, school: str) -> dict[str, Any]:
    return {
        "organisation": str(organisation.pk),
        "school": school,
        "la_criteria": [LaCriterion.NEW_OR_ACTING_HEAD],
        "needs": ["leadership"],
        "summary": "Coaching for a new headteacher.",
        "days_requested": "5",
        "academic_year": AcademicYear.current().label,
        "step": "check",
    }


def test_a_sip_posting_another_local_authoritys_school_is_refused(
    login: Login, sip: User, lincolnshire: Organisation, oxford_school: School
) -> None:
    url = reverse("brokering:new_la")
    for typed in ("140001", "Meadowbrook College, Oxford (URN 140001)", "meadowbrook oxford"):
        response = login(sip).post(url, _answers(lincolnshire, typed))
        assert response.status_code == 200
        assert response.templates[0].name == "brokering/request_form.html", typed
        assert response.context["form"].errors["school"] == [
            "Meadowbrook College is not in KYRA Teaching School Alliance's area: as a SIP, "
            "choose a school of your own local authority."
        ]
        assert b"govuk-error-summary" in response.content
    assert not SupportRequest.objects.exists()


def test_a_picked_suggestion_finds_its_school_by_urn(
    login: Login, sip: User, lincolnshire: Organisation, meadowbrook: School
) -> None:
    url = reverse("brokering:new_la")
    picked = "Meadowbrook Primary School, Lincoln (URN 120010)"
    response = login(sip).post(url, _answers(lincolnshire, picked))
    assert response.templates[0].name == "brokering/request_check.html"
    assert response.context["form"].found_school == meadowbrook


def test_the_service_refuses_a_sip_another_local_authoritys_school(
    sip: User, lincolnshire: Organisation, oxford_school: School
) -> None:
    with pytest.raises(ValidationError) as refusal:
        request_create(
            actor=sip,
            school_urn=oxford_school.urn,
            organisation=lincolnshire,
            route=Route.LOCAL_AUTHORITY,
            needs=["leadership"],
            days_requested=Decimal(5),
            summary="Coaching.",
            la_criteria=[LaCriterion.NEW_OR_ACTING_HEAD],
        )
    assert "is not in KYRA Teaching School Alliance's area" in str(refusal.value)
    assert not SupportRequest.objects.exists()


def test_the_la_form_suggests_schools_for_its_organisation(
    login: Login, sip: User, lincolnshire: Organisation
) -> None:
    page = login(sip).get(reverse("brokering:new_la")).content.decode()
    assert f'data-suggest="{SUGGEST}"' in page
    assert 'data-suggest-for="la"' in page
    assert 'data-suggest-with="organisation"' in page
