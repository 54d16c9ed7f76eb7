"""The requests pages: asking on either route with a check-your-answers step, the caseload with its
filters, the request page, withdrawing and the waiting list; who is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import LaCriterion, RequestStatus, Route, SupportRequest
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, School

Login = Callable[[User], Client]
YEAR = AcademicYear.current().label


def _school_answers(organisation: Organisation, **extra: Any) -> dict[str, Any]:
    data = {
        "organisation": str(organisation.pk),
        "needs": ["maths"],
        "summary": "Maths leadership in Key Stage 2.",
        "context": "A new maths lead this year.",
        "days_requested": "5",
        "preferred_timing": "Spring term",
        "academic_year": YEAR,
        "chair_of_governors_agreed": "on",
    }
    data.update(extra)
    return data


def _la_answers(where: School, **extra: Any) -> dict[str, Any]:
    data = {
        "organisation": str(Organisation.objects.get(slug="kyra").pk),
        "school": str(where.urn),
        "la_criteria": [LaCriterion.NEW_OR_ACTING_HEAD, LaCriterion.LEADERSHIP_RI],
        "key_areas": "Leadership of teaching; governance.",
        "needs": ["leadership"],
        "summary": "Coaching for a new headteacher.",
        "days_requested": "7.5",
        "academic_year": YEAR,
    }
    data.update(extra)
    return data


# --- Who may open the pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "list",
        "new",
        "new_school",
        "new_la",
        "approaches",
        "commissions",
        "allocation",
        "schools_that_could_benefit",
        "unmet_demand",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(f"brokering:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "name",
    [
        "list",
        "new",
        "new_school",
        "new_la",
        "approaches",
        "commissions",
        "allocation",
        "schools_that_could_benefit",
        "unmet_demand",
    ],
)
def test_a_stranger_is_refused_every_page(login: Login, stranger: User, name: str) -> None:
    assert login(stranger).get(reverse(f"brokering:{name}")).status_code == 403


def test_a_stranger_cannot_open_a_request(
    login: Login, stranger: User, maths_request: SupportRequest
) -> None:
    client = login(stranger)
    for name in ("detail", "withdraw", "choose", "commission_new"):
        url = reverse(f"brokering:{name}", args=[maths_request.pk])
        assert client.get(url).status_code == 404, name


def test_another_organisations_coordinator_cannot_open_the_request(
    login: Login, other_coordinator: User, maths_request: SupportRequest
) -> None:
    client = login(other_coordinator)
    assert client.get(reverse("brokering:detail", args=[maths_request.pk])).status_code == 404
    assert client.get(reverse("brokering:list")).context["page"].paginator.count == 0


def test_a_headteacher_of_another_school_cannot_open_the_request(
    login: Login, home_head: User, maths_request: SupportRequest
) -> None:
    client = login(home_head)
    assert client.get(reverse("brokering:detail", args=[maths_request.pk])).status_code == 404
    url = reverse("brokering:withdraw", args=[maths_request.pk])
    assert client.post(url, {"reason": "Not mine"}).status_code == 404
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.OPEN


# --- Asking for support: the school route --------------------------------------------------------


def test_new_sends_a_headteacher_to_the_school_route_and_a_sip_to_the_la_route(
    login: Login, client_head: User, sip: User
) -> None:
    assert login(client_head).get(reverse("brokering:new"))["Location"] == reverse(
        "brokering:new_school"
    )
    assert login(sip).get(reverse("brokering:new"))["Location"] == reverse("brokering:new_la")


def test_headteacher_lists_brokers_covering_the_school_first(
    login: Login, client_head: User, alliance: Organisation, other_org: Organisation
) -> None:
    alliance.area_names = "Lincolnshire"
    alliance.save()
    response = login(client_head).get(reverse("brokering:new_school"))
    assert response.status_code == 200
    choices = response.context["form"].fields["organisation"].choices
    assert choices[1] == ("Covering your school's area", [(str(alliance.pk), alliance.name)])
    assert choices[2] == ("Other brokers", [(str(other_org.pk), other_org.name)])
    # The only broker covering the school is chosen already.
    assert response.context["form"].initial["organisation"] == str(alliance.pk)


def test_headteacher_checks_the_answers_then_sends_the_request(
    login: Login, client_head: User, client_school: School, alliance: Organisation
) -> None:
    client = login(client_head)
    url = reverse("brokering:new_school")
    check = client.post(url, {**_school_answers(alliance), "step": "check"})
    assert check.status_code == 200
    assert check.templates[0].name == "brokering/request_check.html"
    assert ("Chair of governors agrees", "Yes") in check.context["answers"]
    assert ("Areas of support", "Maths") in check.context["answers"]
    assert not SupportRequest.objects.exists()
    # The check page carries every answer as hidden fields.
    assert b'name="needs" value="maths"' in check.content
    sent = client.post(url, {**_school_answers(alliance), "step": "confirm"})
    created = SupportRequest.objects.get()
    assert sent["Location"] == reverse("brokering:detail", args=[created.pk])
    assert created.route == Route.SCHOOL
    assert created.school == client_school
    assert created.chair_of_governors_agreed
    assert created.raised_by == client_head


def test_change_your_answers_goes_back_to_the_filled_form(
    login: Login, client_head: User, alliance: Organisation
) -> None:
    response = login(client_head).post(
        reverse("brokering:new_school"), {**_school_answers(alliance), "step": "edit"}
    )
    assert response.templates[0].name == "brokering/request_form.html"
    assert response.context["form"]["summary"].value() == "Maths leadership in Key Stage 2."
    assert not SupportRequest.objects.exists()


def test_request_form_errors_are_summarised_and_link_to_each_field(
    login: Login, client_head: User, alliance: Organisation
) -> None:
    response = login(client_head).post(
        reverse("brokering:new_school"),
        _school_answers(alliance, needs=[], summary="", days_requested="0", step="check"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "<title>Error: Ask for support" in content
    assert 'href="#id_needs_0">Select at least one area of support.' in content
    assert 'href="#id_summary">Say briefly what support the school needs.' in content
    assert 'href="#id_days_requested">The days asked for must be more than 0.' in content
    assert not SupportRequest.objects.exists()


def test_service_refusal_on_confirm_comes_back_into_the_form(
    login: Login, client_head: User, alliance: Organisation
) -> None:
    response = login(client_head).post(
        reverse("brokering:new_school"),
        _school_answers(alliance, days_requested="2.3", step="confirm"),
    )
    assert response.status_code == 200
    assert "Days are whole or half days" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_only_a_headteacher_asks_on_the_school_route(
    login: Login, coordinator: User, client_school: School
) -> None:
    assert login(coordinator).get(reverse("brokering:new_school")).status_code == 403


# --- Asking for support: the local authority route -----------------------------------------------


def test_sip_identifies_a_school_on_the_la_route(
    login: Login, sip: User, alliance: Organisation, client_school: School
) -> None:
    # A SIP chooses among the schools of their organisation's local authority.
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    client = login(sip)
    url = reverse("brokering:new_la")
    check = client.post(url, {**_la_answers(client_school), "step": "check"})
    assert check.templates[0].name == "brokering/request_check.html"
    assert (
        "Why the school could benefit",
        "New or acting headteacher; Leadership and management judged requires improvement or "
        "satisfactory",
    ) in check.context["answers"]
    client.post(url, {**_la_answers(client_school), "step": "confirm"})
    created = SupportRequest.objects.get()
    assert created.route == Route.LOCAL_AUTHORITY
    assert created.organisation == alliance
    assert created.la_criteria == [LaCriterion.NEW_OR_ACTING_HEAD, LaCriterion.LEADERSHIP_RI]
    assert created.key_areas == "Leadership of teaching; governance."


def test_la_form_finds_the_school_by_name_and_asks_for_the_urn_when_several_match(
    login: Login, coordinator: User, client_school: School
) -> None:
    make_school(120099, "Ermine Infant School", town="Lincoln")
    client = login(coordinator)
    url = reverse("brokering:new_la")
    several = client.post(url, {**_la_answers(client_school, school="ermine"), "step": "check"})
    assert "More than one school matches" in several.content.decode()
    assert "URN 120099" in several.content.decode()
    one = client.post(url, {**_la_answers(client_school, school="ermine primary"), "step": "check"})
    assert one.context["form"].found_school == client_school


def test_la_form_needs_a_reason_the_school_was_identified(
    login: Login, coordinator: User, client_school: School
) -> None:
    response = login(coordinator).post(
        reverse("brokering:new_la"), {**_la_answers(client_school, la_criteria=[]), "step": "check"}
    )
    assert 'href="#id_la_criteria_0">Tick at least one reason' in response.content.decode()


def test_la_form_is_prefilled_from_schools_that_could_benefit(
    login: Login, sip: User, client_school: School
) -> None:
    response = login(sip).get(
        reverse("brokering:new_la"), {"school": client_school.urn, "criteria": "leadership_ri"}
    )
    form = response.context["form"]
    assert form["school"].value() == str(client_school.urn)
    assert form["la_criteria"].value() == ["leadership_ri"]


def test_a_headteacher_and_a_broker_lead_cannot_use_the_la_route(
    login: Login, client_head: User, broker_lead: User
) -> None:
    assert login(client_head).get(reverse("brokering:new_la")).status_code == 403
    assert login(broker_lead).get(reverse("brokering:new_la")).status_code == 403


# --- The caseload ---------------------------------------------------------------------------------


@pytest.fixture
def caseload(alliance: Organisation, client_school: School) -> list[SupportRequest]:
    other = make_school(120077, "Bracebridge Heath St John's", town="Lincoln")
    return [
        factories.support_request(client_school, alliance),
        factories.support_request(
            other, alliance, route=Route.LOCAL_AUTHORITY, status=RequestStatus.WAITING_LIST
        ),
    ]


def test_caseload_filters_by_status_route_and_school(
    login: Login, coordinator: User, caseload: list[SupportRequest]
) -> None:
    client = login(coordinator)
    url = reverse("brokering:list")

    def found(**query: str) -> list[int]:
        return [r.pk for r in client.get(url, query).context["page"].object_list]

    assert sorted(found()) == sorted(r.pk for r in caseload)
    assert found(status="waiting_list") == [caseload[1].pk]
    assert found(route="school") == [caseload[0].pk]
    assert found(school="bracebridge") == [caseload[1].pk]
    assert found(school=str(caseload[0].school_id)) == [caseload[0].pk]


def test_headteacher_sees_only_their_schools_requests(
    login: Login, client_head: User, caseload: list[SupportRequest]
) -> None:
    page = login(client_head).get(reverse("brokering:list")).context["page"]
    assert [r.pk for r in page.object_list] == [caseload[0].pk]


def test_caseload_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        factories.support_request(client_school, alliance)
    client = login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("brokering:list"))
    assert len(response.context["page"].object_list) == 25


# --- The request page -----------------------------------------------------------------------------


def test_headteacher_reads_the_request_and_its_timeline(
    login: Login, client_head: User, alliance: Organisation
) -> None:
    client = login(client_head)
    client.post(reverse("brokering:new_school"), {**_school_answers(alliance), "step": "confirm"})
    created = SupportRequest.objects.get()
    response = client.get(reverse("brokering:detail", args=[created.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Request for support: Ermine Primary Academy" in content
    assert ">Open</strong>" in content
    assert "Support asked for Ermine Primary Academy on the school route" in content
    # The headteacher does not read the shortlist.
    assert response.context["panel"] is None


def test_withdraw_needs_a_reason(
    login: Login, client_head: User, maths_request: SupportRequest
) -> None:
    client = login(client_head)
    url = reverse("brokering:withdraw", args=[maths_request.pk])
    empty = client.post(url, {"reason": ""})
    assert 'href="#id_reason">Say why the request is withdrawn.' in empty.content.decode()
    done = client.post(url, {"reason": "We found support elsewhere."})
    assert done.status_code == 302
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.WITHDRAWN


def test_a_broker_lead_reads_the_request_but_cannot_withdraw_it(
    login: Login, broker_lead: User, maths_request: SupportRequest
) -> None:
    client = login(broker_lead)
    assert client.get(reverse("brokering:detail", args=[maths_request.pk])).status_code == 200
    url = reverse("brokering:withdraw", args=[maths_request.pk])
    assert client.get(url).status_code == 403


# --- The waiting list ----------------------------------------------------------------------------


def test_coordinator_puts_a_request_on_the_waiting_list_from_its_own_page(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    client = login(coordinator)
    url = reverse("brokering:waiting_list", args=[maths_request.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Put the request on the waiting list</h1>" in html
    assert 'name="reason"' in html
    assert "Why no leader can take it now (optional)" in html
    assert '<button type="submit" class="button">Put on the waiting list</button>' in html
    assert reverse("brokering:detail", args=[maths_request.pk]) + '">Cancel</a>' in html
    response = client.post(url, {"reason": "No maths leader free this term"}, follow=True)
    assert response.redirect_chain == [(reverse("brokering:detail", args=[maths_request.pk]), 302)]
    assert "The request is on the waiting list." in response.content.decode()
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.WAITING_LIST


def test_the_reason_is_optional(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    url = reverse("brokering:waiting_list", args=[maths_request.pk])
    assert login(coordinator).post(url, {"reason": ""}).status_code == 302
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.WAITING_LIST


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("client_head", 403),  # sees the request (and may withdraw it), does not broker it
        ("broker_lead", 403),  # reads the request, does not broker it
        ("home_head", 404),
        ("other_coordinator", 404),
        ("stranger", 404),
    ],
)
def test_the_waiting_list_page_is_refused_to_whoever_may_not_waitlist(
    login: Login,
    request: pytest.FixtureRequest,
    maths_request: SupportRequest,
    person: str,
    status: int,
) -> None:
    client = login(request.getfixturevalue(person))
    url = reverse("brokering:waiting_list", args=[maths_request.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "Not mine"}).status_code == status
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.OPEN


def test_the_waiting_list_page_is_refused_once_the_request_has_moved_on(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    maths_request.status = RequestStatus.MATCHED
    maths_request.save()
    response = login(coordinator).get(reverse("brokering:waiting_list", args=[maths_request.pk]))
    assert response.status_code == 403


def test_a_form_sent_after_the_request_moved_on_shows_the_rule_on_the_page(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    """The coordinator opened the page; the school's choice came in before they sent it."""
    client = login(coordinator)
    url = reverse("brokering:waiting_list", args=[maths_request.pk])
    assert client.get(url).status_code == 200
    maths_request.status = RequestStatus.MATCHED
    maths_request.save()
    response = client.post(url, {"reason": "No maths leader free this term"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Put the request on the waiting list" in html
    assert "There is a problem" in html
    assert (
        'href="#id_reason">The request’s status is “Leader chosen”: you cannot put it on the '
        "waiting list now.</a>"
    ) in html
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.MATCHED


def test_a_reason_too_long_is_shown_on_the_page(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    response = login(coordinator).post(
        reverse("brokering:waiting_list", args=[maths_request.pk]), {"reason": "x" * 2001}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.OPEN


def test_the_request_page_links_to_the_waiting_list_only_for_who_may_waitlist(
    login: Login,
    coordinator: User,
    client_head: User,
    broker_lead: User,
    maths_request: SupportRequest,
) -> None:
    detail = reverse("brokering:detail", args=[maths_request.pk])
    link = (
        f'<a href="{reverse("brokering:waiting_list", args=[maths_request.pk])}">'
        "Put the request on the waiting list</a>"
    )
    page = login(coordinator).get(detail)
    html = page.content.decode()
    assert link in html
    assert "waiting_list_form" not in page.context
    assert 'name="reason"' not in html  # the form is on its own page
    for person in (client_head, broker_lead):
        assert link not in login(person).get(detail).content.decode()
    maths_request.status = RequestStatus.WAITING_LIST
    maths_request.save()
    assert link not in login(coordinator).get(detail).content.decode()


def test_a_leader_without_an_approach_cannot_open_the_request(
    login: Login, maths_request: SupportRequest, alliance: Organisation
) -> None:
    other = factories.leader(factories.school("Elsewhere"), organisation=alliance)
    response = login(other.user).get(reverse("brokering:detail", args=[maths_request.pk]))
    assert response.status_code == 404


def test_sip_of_another_organisation_cannot_open_the_request(
    login: Login, other_org: Organisation, maths_request: SupportRequest
) -> None:
    other_sip = make_user("sam@southglos.test", "Sam Sip", (Role.SIP, other_org))
    response = login(other_sip).get(reverse("brokering:detail", args=[maths_request.pk]))
    assert response.status_code == 404


def test_school_needing_support_is_listed_with_reasons(
    login: Login, sip: User, alliance: Organisation
) -> None:
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    weak = make_school(120055, "Weak Primary", ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    response = login(sip).get(reverse("brokering:schools_that_could_benefit"))
    rows = response.context["rows"]
    assert [need.school.urn for need, _ in rows] == [weak.urn]
    need, url = rows[0]
    assert need.reasons[0].startswith("Latest Ofsted grade: requires improvement")
    assert url.startswith(reverse("brokering:new_la") + f"?school={weak.urn}")
    assert "criteria=leadership_ri" in url
    assert "Start a request" in response.content.decode()
