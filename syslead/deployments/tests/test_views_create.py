"""Drafting an agreement in the browser: choose the request and the leader, the form prefilled
from the agreed match, the check-your-answers page with the costs and the capacity rule, then
making it. Everyone but the request's coordinators is refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.tests.factories import make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def form_data(**overrides: str) -> dict[str, str]:
    """A complete agreement form as a browser posts it: five full days in spring 2027, one
    objective with its row of the impact table, the school funding the days."""
    data = {
        "step": "check",
        "leader_role": "Maths lead",
        "leader_contact": "lee@mountstreet.test",
        "home_headteacher_name": "Hal Home-Head",
        "client_headteacher_name": "Cara Client-Head",
        "client_headteacher_email": "cara@ermine.test",
        "client_contact_name": "Dee Deputy",
        "client_contact_role": "Deputy headteacher",
        "client_contact_details": "01522 555000",
        "managed_by_name": "Dee Deputy",
        "managed_by_email": "dee@ermine.test",
        "broker_lead_name": "Bea Broker-Lead",
        **date_input_data("starts_on", "2027-01-04"),
        **date_input_data("ends_on", "2027-04-30"),
        "length_justification": "",
        "full_days": "5",
        "half_days": "0",
        "twilight_sessions": "0",
        "intervals": "One day a fortnight",
        "times_in_school": "Tuesday mornings",
        "purpose": "Reasoning in key stage 2 maths",
        "staff_involved": "Year 5 and 6 teachers",
        "aim_1": "Improve the teaching of reasoning in key stage 2 maths.",
        "aim_2": "Grow the maths lead's coaching.",
        "aim_3": "",
        "evaluation_strategy": "Spring assessments against the autumn baseline.",
        "monitoring_arrangements": "A note of visit after every visit.",
        "exit_arrangements": "A final meeting to sign off the agreement.",
        "funding_route": "school",
        "commissioner_name": "",
        "funding_notes": "",
        "capacity_override_reason": "",
        "objectives-TOTAL_FORMS": "3",
        "objectives-INITIAL_FORMS": "0",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "20",
        "objectives-0-text": "Teachers use bar models consistently in years 5 and 6.",
        "objectives-0-outcome": "Bar models seen in every lesson observed.",
        **date_input_data("objectives-0-review_on", "2027-03-15"),
        "objectives-0-baseline": "2 of 6 teachers model with bars.",
        "objectives-0-actions": "Coaching and joint planning.",
        "objectives-0-improvement": "All 6 teachers model with bars.",
        "objectives-0-impact": "Reasoning scores up in the spring assessments.",
    }
    for name in [name for name in overrides if name.endswith("_on")]:
        value = overrides.pop(name)
        empty = {f"{name}_{part}": "" for part in ("day", "month", "year")}
        data |= date_input_data(name, value) if value else empty
    data.update(overrides)
    return data


def create_url(support_request: SupportRequest, leader: LeaderProfile | None = None) -> str:
    url = f"/deployments/new/{support_request.pk}/"
    return f"{url}?leader={leader.pk}" if leader else url


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Bracebridge Infant School")
    return make_user("ola@bracebridge.test", "Ola Other-Head", (Role.HEADTEACHER, school))


# Access ------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client: Client, support_request: SupportRequest):
    for url in ["/deployments/new/", create_url(support_request)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_people_who_cannot_see_the_request_get_404(
    who: str, request: pytest.FixtureRequest, login: Login, support_request: SupportRequest
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(create_url(support_request)).status_code == 404
    assert client.post(create_url(support_request), form_data()).status_code == 404
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("who", ["client_head", "broker_lead", "leader_user"])
def test_people_who_see_the_request_but_do_not_coordinate_it_are_refused(
    who: str, request: pytest.FixtureRequest, login: Login, support_request: SupportRequest
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(create_url(support_request)).status_code == 403
    assert client.post(create_url(support_request), form_data(step="confirm")).status_code == 403
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "client_head", "leader_user"])
def test_only_coordinators_start_an_agreement(
    who: str, request: pytest.FixtureRequest, login: Login
) -> None:
    assert login(request.getfixturevalue(who)).get("/deployments/new/").status_code == 403


# Choosing the request and the leader -------------------------------------------------------------


def test_coordinator_chooses_the_request_then_the_leader(
    login: Login, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    client = login(coordinator)
    page = client.get("/deployments/new/")
    assert "Ermine Primary Academy (2026-27): Leader chosen, Lee Leader chosen" in (
        page.content.decode()
    )
    chosen = client.get("/deployments/new/", {"support_request": support_request.pk})
    assert chosen["Location"] == f"/deployments/new/{support_request.pk}/leader/"
    leader_page = client.get(chosen["Location"])
    assert leader_page.context["form"]["leader"].value() == leader.pk
    picked = client.get(chosen["Location"], {"leader": leader.pk})
    assert picked["Location"] == create_url(support_request, leader)


def test_a_request_without_a_chosen_leader_asks_for_the_leader_first(
    login: Login, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    open_request = make_request(alliance, client_school, status=RequestStatus.OPEN)
    response = login(coordinator).get(create_url(open_request))
    assert response["Location"] == f"/deployments/new/{open_request.pk}/leader/"


def test_a_leader_the_organisation_cannot_deploy_is_not_offered(
    login: Login, coordinator: User, support_request: SupportRequest, home_school: School
) -> None:
    outsider = LeaderProfile.objects.create(
        user=make_user("out@side.test", "Out Sider", (Role.SYSTEM_LEADER, None)),
        home_school=home_school,
    )
    assert login(coordinator).get(create_url(support_request, outsider)).status_code == 404


# The form ----------------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_agreed_match(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    support_request.key_areas = "Reasoning in KS2\nLeadership of maths"
    support_request.save()
    response = login(coordinator).get(create_url(support_request))
    form = response.context["form"]
    assert form["home_headteacher_name"].value() == "Hal Home-Head"
    assert form["client_headteacher_name"].value() == "Cara Client-Head"
    assert form["broker_lead_name"].value() == "Bea Broker-Lead"
    assert form["leader_role"].value() == "Maths lead"
    assert form["full_days"].value() == 5
    assert form["funding_route"].value() == FundingRoute.SCHOOL
    assert [form["aim_1"].value(), form["aim_2"].value()] == [
        "Reasoning in KS2",
        "Leadership of maths",
    ]
    page = response.content.decode()
    for label in [
        "Agreed start date",
        "Intended end date",
        "Full days",
        "Twilight sessions",
        "Frequency",
        "Agreed time(s) in school",
        "Purpose of support",
        "Staff involved",
        "Evaluation strategy",
        "Monitoring arrangements",
        "Exit arrangements",
        "Who funds the days?",
        "Name of the commissioner",
    ]:
        assert label in page
    # Three objective rows, each field labelled with its row for screen readers.
    assert '<span class="govuk-visually-hidden">Objective 3: </span>Baseline measure' in page
    assert "Why is the agreement shorter than a term" not in page
    assert "Reason to go ahead beyond" not in page


def test_the_la_route_funds_by_the_local_authority(
    login: Login, coordinator: User, alliance: Organisation, client_school: School, leader: Any
) -> None:
    la_request = make_request(
        alliance, client_school, route=Route.LOCAL_AUTHORITY, chosen_leader=leader
    )
    response = login(coordinator).get(create_url(la_request))
    assert response.context["form"]["funding_route"].value() == FundingRoute.LOCAL_AUTHORITY


def test_errors_are_listed_in_the_summary_and_nothing_is_made(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    data = form_data(starts_on="", full_days="0", aim_1="", aim_2="")
    data["objectives-1-baseline"] = "A baseline without an objective"
    response = login(coordinator).post(create_url(support_request), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_starts_on_0">Enter the agreed start date.</a>' in page
    assert '<a href="#id_objectives-1-text">Objective 2: Say what the objective is' in page
    assert not Deployment.objects.exists()


def test_the_service_checks_show_on_their_fields(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    response = login(coordinator).post(
        create_url(support_request), form_data(full_days="0", aim_1="", aim_2="")
    )
    page = response.content.decode()
    assert '<a href="#id_full_days">Agree the time commitment' in page
    assert '<a href="#id_aim_1">Give at least one overall aim' in page


def test_another_commissioner_must_be_named(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    response = login(coordinator).post(
        create_url(support_request), form_data(funding_route="other")
    )
    assert '<a href="#id_commissioner_name">Name the commissioner' in response.content.decode()


def test_a_length_outside_the_guide_asks_for_a_justification(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    short = form_data(ends_on="2027-01-29")
    response = client.post(create_url(support_request), short)
    page = response.content.decode()
    assert response.templates[0].name == "deployments/agreement_form.html"
    assert "Why is the agreement shorter than a term or longer than six terms?" in page
    assert "shorter than a term" in page
    justified = client.post(
        create_url(support_request), {**short, "length_justification": "A diagnostic visit."}
    )
    assert justified.templates[0].name == "deployments/agreement_check.html"


# Check your answers ------------------------------------------------------------------------------


def test_check_your_answers_shows_everything_and_the_costs_before_anything_is_made(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    response = login(coordinator).post(
        create_url(support_request), form_data(half_days="1", twilight_sessions="1")
    )
    assert response.templates[0].name == "deployments/agreement_check.html"
    page = response.content.decode()
    assert "Check your answers" in page
    assert "Teachers use bar models consistently in years 5 and 6." in page
    assert "2 of 6 teachers model with bars." in page
    assert "One day a fortnight" in page
    # 5 × £350 + 2 × £150 = £2,050; the broker keeps 5 × £50 + 2 × £25 = £300.
    lines = {line.key: line.amount for line in response.context["preview"].lines}
    assert lines == {
        "total": Decimal("2050.00"),
        "payable_by_school": Decimal("2050.00"),
        "to_broker": Decimal("300.00"),
        "to_home_school": Decimal("1750.00"),
    }
    assert "£2,050.00" in page
    assert "£1,750.00" in page
    routes = {r.route: r.costs for r in response.context["preview"].by_route}
    assert routes["broker"].payable_by_school == Decimal("0.00")
    assert routes["local_authority"].payable_by_commissioner == Decimal("2050.00")
    assert "6 days" in page  # 5 + 0.5 + 0.5
    assert not Deployment.objects.exists()


def test_the_organisations_saved_rates_are_used(
    login: Login, coordinator: User, support_request: SupportRequest, alliance: Organisation
) -> None:
    from syslead.charging.services import charging_policy_set

    charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=AcademicYear.parse("2026-27"),
        full_day_rate=Decimal("400"),
        half_day_rate=Decimal("200"),
        full_day_broker_fee=Decimal("60"),
        half_day_broker_fee=Decimal("30"),
    )
    response = login(coordinator).post(create_url(support_request), form_data())
    assert "£2,000.00" in response.content.decode()
    assert "no charging policy saved" not in response.content.decode()


def test_confirming_makes_the_agreement_and_asks_the_parties_to_sign(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    response = login(coordinator).post(create_url(support_request), form_data(step="confirm"))
    deployment = Deployment.objects.get()
    assert response["Location"] == f"/deployments/{deployment.pk}/"
    assert deployment.status == DeploymentStatus.AWAITING_SIGNATURES
    assert deployment.aims == [
        "Improve the teaching of reasoning in key stage 2 maths.",
        "Grow the maths lead's coaching.",
    ]
    assert deployment.client_contact_name == "Dee Deputy"
    assert deployment.times_in_school == "Tuesday mornings"
    assert deployment.total_cost == Decimal("1750.00")
    (objective,) = deployment.objectives.all()
    assert (objective.baseline, objective.impact) == (
        "2 of 6 teachers model with bars.",
        "Reasoning scores up in the spring assessments.",
    )
    assert str(objective.review_on) == "2027-03-15"
    assert parties[0].notifications.filter(verb="deployment.to_sign").exists()


def test_change_your_answers_returns_to_the_form_with_them(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    response = login(coordinator).post(create_url(support_request), form_data(step="change"))
    assert response.templates[0].name == "deployments/agreement_form.html"
    assert response.context["form"]["purpose"].value() == "Reasoning in key stage 2 maths"
    assert not Deployment.objects.exists()


# Rules named in the page -------------------------------------------------------------------------


def test_the_capacity_rule_refuses_in_the_page_and_names_the_rule(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    response = login(coordinator).post(create_url(support_request), form_data(full_days="12"))
    page = response.content.decode()
    assert response.templates[0].name == "deployments/agreement_form.html"
    assert "Capacity: Lee Leader has 10 days remaining in 2026-27" in page
    assert "Rule: the capacity rule" in page
    assert "Reason to go ahead beyond the leader&#x27;s capacity" in page
    assert not Deployment.objects.exists()


def test_a_coordinator_passes_the_capacity_rule_with_a_recorded_reason(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    data = form_data(full_days="12", capacity_override_reason="The head agreed two more days.")
    check = client.post(create_url(support_request), data)
    assert check.templates[0].name == "deployments/agreement_check.html"
    assert "The capacity rule refuses these days" in check.content.decode()
    assert "The head agreed two more days." in check.content.decode()
    client.post(create_url(support_request), {**data, "step": "confirm"})
    deployment = Deployment.objects.get()
    assert deployment.capacity_override_reason == "The head agreed two more days."
    assert deployment.capacity_overridden_by == coordinator


def test_an_eligibility_rule_is_named_in_the_page(
    login: Login, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    leader.releases.all().delete()
    response = login(coordinator).post(create_url(support_request), form_data())
    page = response.content.decode()
    assert "has not agreed how many days it releases Lee Leader in 2026-27" in page
    assert "Rule: release days" in page
    assert not Deployment.objects.exists()


def test_a_refusal_at_confirmation_is_shown_in_the_form(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    check = client.post(create_url(support_request), form_data())
    assert check.templates[0].name == "deployments/agreement_check.html"
    # The request is withdrawn while the coordinator checks the answers.
    support_request.status = RequestStatus.WITHDRAWN
    support_request.save()
    response = client.post(create_url(support_request), form_data(step="confirm"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The request is withdrawn: no agreement can be made for it." in page
    assert "Rule: the request&#x27;s state." in page
    assert not Deployment.objects.exists()
