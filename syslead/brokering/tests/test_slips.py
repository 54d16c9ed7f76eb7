"""Small things people noticed (issue 12, item 10), each with the rule it breaks: specialisms keep
their capitals inside a sentence; a teaching school alliance's main button on the requests page is
its own work, not the local authority route; an agreement starts when the school asked for it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import Role, User
from syslead.brokering.eligibility import in_sentence, words
from syslead.brokering.models import RequestStatus, term_named_in
from syslead.brokering.tests import factories
from syslead.calendars.school_calendar import calendar_for
from syslead.core.academic_years import AcademicYear
from syslead.deployments.views.drafting import initial_for_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import School

Login = Callable[[User], Client]


def test_specialisms_keep_their_capitals_in_a_sentence() -> None:
    assert words(["maths", "english", "send"]) == "maths, English and SEND"
    assert words(["early_years"]) == "early years"
    assert in_sentence("Teaching and learning") == "teaching and learning"
    assert in_sentence("SEND") == "SEND"
    assert in_sentence("English") == "English"


def test_only_a_local_authoritys_coordinator_is_offered_the_la_route_on_the_requests_page(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    assert alliance.kind == OrganisationKind.TEACHING_SCHOOL_ALLIANCE
    page = login(coordinator).get(reverse("brokering:list")).content.decode()
    assert "Identify a school (local authority route)" not in page
    assert "Match waiting requests to leaders" in page  # the alliance's own main action

    council = Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )
    from conftest import make_user

    la_coordinator = make_user("la@lincs.test", "LA Coordinator", (Role.COORDINATOR, council))
    page = login(la_coordinator).get(reverse("brokering:list")).content.decode()
    assert "Identify a school (local authority route)" in page


def test_the_term_a_school_asks_for_is_read_from_when_it_wants_support() -> None:
    assert term_named_in("Spring term, a day a fortnight") == "spring"
    assert term_named_in("from the SUMMER term") == "summer"
    assert term_named_in("not on Fridays") == ""
    assert term_named_in("") == ""


def test_a_new_agreement_starts_on_the_first_day_of_the_term_the_school_asked_for(
    client_school: School, alliance: Organisation, lee: LeaderProfile
) -> None:
    year = AcademicYear.current().next()  # its spring term is always ahead
    support_request = factories.support_request(
        client_school,
        alliance,
        academic_year=year.label,
        preferred_timing="Spring term, a day a fortnight",
        status=RequestStatus.MATCHED,
        chosen_leader=lee,
    )
    spring = calendar_for(client_school.local_authority).year_dates(year).spring
    initial = initial_for_request(support_request, lee)
    assert initial["starts_on"] == spring.starts_on
    assert initial["ends_on"] > spring.starts_on
    # Naming no term, the agreement starts at the start of the year asked for.
    support_request.preferred_timing = "not on Fridays"
    assert initial_for_request(support_request, lee)["starts_on"] == year.starts_on
