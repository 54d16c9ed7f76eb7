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
    assert client.post(section_url(support_request, "dates"), form_data()).status_code == 404
    assert client.post(check_url(support_request)).status_code == 404
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("who", ["client_head", "broker_lead", "leader_user"])
def test_people_who_see_the_request_but_do_not_coordinate_it_are_refused(
    who: str, request: pytest.FixtureRequest, login: Login, support_request: SupportRequest
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(create_url(support_request)).status_code == 403
    assert client.post(section_url(support_request, "dates"), form_data()).status_code == 403
    assert client.post(check_url(support_request)).status_code == 403
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


# The task list -----------------------------------------------------------------------------------


def section_url(support_request: SupportRequest, section: str) -> str:
    return f"/deployments/new/{support_request.pk}/{section}/"


def check_url(support_request: SupportRequest) -> str:
    return f"/deployments/new/{support_request.pk}/check/"


SECTION_SLUGS = ("parties", "dates", "aims", "impact", "evaluation", "funding", "exit")


def fill_draft(client: Client, support_request: SupportRequest, **overrides: str) -> None:
    """Post the answers section by section, as a coordinator walking the task list does (each
    section's page reads only its own fields)."""
    data = form_data(**overrides)
    for slug in SECTION_SLUGS:
        response = client.post(section_url(support_request, slug), data)
        assert response.status_code == 302, (
            slug,
            response.context and response.context["form"].errors,
        )


def statuses(response: Any) -> dict[str, str]:
    return {row["section"].slug: row["status"] for row in response.context["rows"]}


def test_the_draft_is_a_task_list_with_a_status_per_section(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    client = login(coordinator)
    response = client.get(create_url(support_request))
    page = response.content.decode()
    assert 'class="govuk-task-list"' in page
    assert statuses(response) == {
        "parties": "Incomplete",
        "dates": "Incomplete",
        "aims": "Incomplete",
        "impact": "Cannot start yet",
        "evaluation": "Incomplete",
        "funding": "Incomplete",
        "exit": "Incomplete",
    }
    assert "Check your answers" not in page
    # A section that cannot start yet is not a link, and its page sends back to the list.
    assert f'href="{section_url(support_request, "impact")}' not in page
    assert client.get(section_url(support_request, "impact")).status_code == 302
    data = form_data()
    assert client.post(section_url(support_request, "aims"), data).status_code == 302
    response = client.get(create_url(support_request))
    assert statuses(response)["aims"] == "Completed"
    assert statuses(response)["impact"] == "Incomplete"
    # The draft survives a reload: it is in the session, under the request and the leader.
    for slug in SECTION_SLUGS:
        client.post(section_url(support_request, slug), data)
    response = client.get(create_url(support_request))
    assert set(statuses(response).values()) == {"Completed"}
    assert "Check your answers" in response.content.decode()
    assert client.get(check_url(support_request)).status_code == 200


def test_the_sections_are_prefilled_from_the_agreed_match(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    support_request.key_areas = "Reasoning in KS2\nLeadership of maths"
    support_request.save()
    client = login(coordinator)
    parties_form = client.get(section_url(support_request, "parties")).context["form"]
    assert parties_form["home_headteacher_name"].value() == "Hal Home-Head"
    assert parties_form["client_headteacher_name"].value() == "Cara Client-Head"
    assert parties_form["broker_lead_name"].value() == "Bea Broker-Lead"
    assert parties_form["leader_role"].value() == "Maths lead"
    assert "full_days" not in parties_form.fields
    dates = client.get(section_url(support_request, "dates"))
    assert dates.context["form"]["full_days"].value() == 5
    page = dates.content.decode()
    for label in ["Agreed start date", "Intended end date", "Full days", "Twilight sessions"]:
        assert label in page
    assert "Why is the agreement shorter than a term" not in page
    funding = client.get(section_url(support_request, "funding")).context["form"]
    assert funding["funding_route"].value() == FundingRoute.SCHOOL
    aims = client.get(section_url(support_request, "aims"))
    assert [aims.context["form"]["aim_1"].value(), aims.context["form"]["aim_2"].value()] == [
        "Reasoning in KS2",
        "Leadership of maths",
    ]
    # Three objective rows, each field labelled with its row for screen readers.
    assert '<span class="govuk-visually-hidden">Objective 3: </span>Agreed objective' in (
        aims.content.decode()
    )
    assert "<input" not in page.split("<form")[0]


def test_the_la_route_funds_by_the_local_authority(
    login: Login, coordinator: User, alliance: Organisation, client_school: School, leader: Any
) -> None:
    la_request = make_request(
        alliance, client_school, route=Route.LOCAL_AUTHORITY, chosen_leader=leader
    )
    response = login(coordinator).get(section_url(la_request, "funding"))
    assert response.context["form"]["funding_route"].value() == FundingRoute.LOCAL_AUTHORITY


def test_each_section_validates_its_own_fields_with_design_system_messages(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    response = client.post(section_url(support_request, "dates"), form_data(starts_on=""))
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_starts_on_0">Enter the agreed start date.</a>' in page
    data = form_data(aim_1="", aim_2="", **{"objectives-0-text": ""})
    data["objectives-1-outcome"] = "An outcome without an objective"
    page = client.post(section_url(support_request, "aims"), data).content.decode()
    assert '<a href="#id_aim_1">Enter at least one overall aim of the deployment</a>' in page
    assert '<a href="#id_objectives-1-text">Objective 2: Say what the objective is' in page
    assert "Enter at least one agreed objective" in page
    page = client.post(
        section_url(support_request, "parties"), form_data(home_headteacher_name="")
    ).content.decode()
    assert (
        '<a href="#id_home_headteacher_name">Enter the name of the headteacher of the '
        "leader&#x27;s school</a>"
    ) in page
    page = client.post(
        section_url(support_request, "evaluation"), form_data(evaluation_strategy="")
    ).content.decode()
    assert '<a href="#id_evaluation_strategy">Enter the evaluation strategy</a>' in page
    response = client.get(create_url(support_request))
    assert set(statuses(response).values()) == {"Incomplete", "Cannot start yet"}
    assert not Deployment.objects.exists()


def test_the_service_checks_show_on_the_check_page_linked_to_their_section(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request, full_days="0", funding_route="other")
    page = client.get(check_url(support_request)).content.decode()
    dates = section_url(support_request, "dates")
    funding = section_url(support_request, "funding")
    assert f'<a href="{dates}?leader=' in page
    assert "Agree the time commitment" in page
    assert f'<a href="{funding}?leader=' in page
    assert "Name the commissioner" in page
    assert "Make the agreement and ask the parties to sign" not in page


def test_a_length_outside_the_guide_asks_for_a_justification(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    short = form_data(ends_on="2027-01-29")
    response = client.post(section_url(support_request, "dates"), short)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Why is the agreement shorter than a term or longer than six terms?" in page
    assert "shorter than a term" in page
    justified = client.post(
        section_url(support_request, "dates"),
        {**short, "length_justification": "A diagnostic visit."},
    )
    assert justified.status_code == 302


# Check your answers ------------------------------------------------------------------------------


def test_check_your_answers_shows_everything_and_the_costs_before_anything_is_made(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request, half_days="1", twilight_sessions="1")
    response = client.get(check_url(support_request))
    assert response.templates[0].name == "deployments/draft_check.html"
    page = response.content.decode()
    assert "Check your answers" in page
    for answer in [
        "Hal Home-Head",
        "Dee Deputy",
        "4 January 2027",
        "30 April 2027",
        "One day a fortnight",
        "Grow the maths lead&#x27;s coaching.",
        "Teachers use bar models consistently in years 5 and 6.",
        "2 of 6 teachers model with bars.",
        "Spring assessments against the autumn baseline.",
        "The supported school",
        "A final meeting to sign off the agreement.",
    ]:
        assert answer in page, answer
    # 5 × £350 + 2 × £150 = £2,050; the broker keeps 5 × £50 + 2 × £25 = £300.
    lines = {line.key: line.amount for line in response.context["preview"].lines}
    assert lines == {
        "total": Decimal("2050.00"),
        "payable_by_school": Decimal("2050.00"),
        "to_broker": Decimal("300.00"),
        "to_home_school": Decimal("1750.00"),
    }
    assert "£2,050.00" in page
    routes = {r.route: r.costs for r in response.context["preview"].by_route}
    assert routes["broker"].payable_by_school == Decimal("0.00")
    assert routes["local_authority"].payable_by_commissioner == Decimal("2050.00")
    assert "6 days" in page  # 5 + 0.5 + 0.5
    assert not Deployment.objects.exists()


def test_check_answers_has_a_change_link_per_answer_that_returns_to_check_answers(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request)
    response = client.get(check_url(support_request))
    rows = [row for part in response.context["answers"] for row in part["rows"]]
    page = response.content.decode()
    assert page.count('class="govuk-summary-list__row"') == len(rows)
    assert page.count(">Change<span") == len(rows)
    for part in response.context["answers"]:
        for row in part["rows"]:
            assert row["url"].startswith(section_url(support_request, part["section"].slug))
            assert "return=check" in row["url"]
    keys = {row["key"] for row in rows}
    assert {"Headteacher of the leader's school", "Evaluation strategy", "Objective 1"} <= keys
    # Change the purpose: the section's page, then straight back to check your answers.
    aims_change = next(p for p in response.context["answers"] if p["section"].slug == "aims")
    url = aims_change["rows"][0]["url"]
    assert client.get(url).context["form"]["purpose"].value() == "Reasoning in key stage 2 maths"
    changed = client.post(url, form_data(purpose="Fluency in times tables"))
    assert (
        changed["Location"]
        == f"{check_url(support_request)}?leader={support_request.chosen_leader_id}"
    )
    assert "Fluency in times tables" in client.get(changed["Location"]).content.decode()


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
    client = login(coordinator)
    fill_draft(client, support_request)
    page = client.get(check_url(support_request)).content.decode()
    assert "£2,000.00" in page
    assert "no charging policy saved" not in page


def test_confirming_makes_a_draft_that_asks_no_one_to_sign_until_it_is_sent(
    login: Login, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    """docs/rules.md, "Sending an agreement for signature": the draft is made; the parties are
    asked to sign only once the coordinator sends it."""
    client = login(coordinator)
    fill_draft(client, support_request)
    response = client.post(check_url(support_request))
    deployment = Deployment.objects.get()
    assert response["Location"] == f"/deployments/{deployment.pk}/"
    assert deployment.status == DeploymentStatus.DRAFT
    assert not parties[0].notifications.filter(verb="deployment.to_sign").exists()
    page = client.get(response["Location"]).content.decode()
    assert "This agreement is a draft." in page
    assert "Send for signature" in page
    client.post(f"/deployments/{deployment.pk}/send/")
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.AWAITING_SIGNATURES
    assert deployment.aims == [
        "Improve the teaching of reasoning in key stage 2 maths.",
        "Grow the maths lead's coaching.",
    ]
    assert deployment.client_contact_name == "Dee Deputy"
    assert deployment.times_in_school == "Tuesday mornings"
    assert deployment.evaluation_strategy == "Spring assessments against the autumn baseline."
    assert deployment.total_cost == Decimal("1750.00")
    (objective,) = deployment.objectives.all()
    assert (objective.baseline, objective.impact) == (
        "2 of 6 teachers model with bars.",
        "Reasoning scores up in the spring assessments.",
    )
    assert str(objective.review_on) == "2027-03-15"
    assert parties[0].notifications.filter(verb="deployment.to_sign").exists()
    # The draft is forgotten once made.
    assert statuses(client.get(create_url(support_request)))["parties"] == "Incomplete"


def test_the_check_page_waits_for_every_section(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    response = client.post(check_url(support_request))
    assert response.status_code == 302
    assert not Deployment.objects.exists()


# Rules named in the page -------------------------------------------------------------------------


def test_the_capacity_rule_refuses_in_the_page_and_names_the_rule(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request, full_days="12")
    page = client.get(check_url(support_request)).content.decode()
    assert "The capacity rule refuses these days" in page
    assert "Reason to go ahead beyond the leader&#x27;s capacity" in page
    response = client.post(check_url(support_request))
    page = response.content.decode()
    assert "Capacity: Lee Leader has 10 days remaining in 2026-27" in page
    assert "Rule: the capacity rule" in page
    assert not Deployment.objects.exists()


def test_a_coordinator_passes_the_capacity_rule_with_a_recorded_reason(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request, full_days="12")
    client.post(
        check_url(support_request), {"capacity_override_reason": "The head agreed two more days."}
    )
    deployment = Deployment.objects.get()
    assert deployment.capacity_override_reason == "The head agreed two more days."
    assert deployment.capacity_overridden_by == coordinator


def test_an_eligibility_rule_is_named_in_the_page(
    login: Login, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    leader.releases.all().delete()
    client = login(coordinator)
    fill_draft(client, support_request)
    page = client.get(check_url(support_request)).content.decode()
    assert "has not agreed how many days it releases Lee Leader in 2026-27" in page
    assert "Rule: release days" in page
    assert not Deployment.objects.exists()


def test_a_refusal_at_confirmation_is_shown_in_the_page(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    fill_draft(client, support_request)
    assert client.get(check_url(support_request)).status_code == 200
    # The request is withdrawn while the coordinator checks the answers.
    support_request.status = RequestStatus.WITHDRAWN
    support_request.save()
    response = client.post(check_url(support_request))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The request is withdrawn: no agreement can be made for it." in page
    assert "Rule: the request&#x27;s state." in page
    assert not Deployment.objects.exists()
