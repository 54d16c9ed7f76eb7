"""The KPI page and the broker lead's KPI block on the home page (docs/rules.md: KPIs; docs/ux.md:
"Broker lead: ... KPIs for this year against target, costs and days by commissioner")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment, FundingRoute
from syslead.evaluation.models import Evaluation, EvaluationItem, EvaluationRating, Rag
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.selectors import agreements_by_area, evaluation_outcomes
from syslead.reports.tests.test_kpis import deploy, sle_maker  # noqa: F401  (fixtures)

Login = Callable[[User], Client]
URL = reverse("reports:kpis")
YEAR = AcademicYear.current()


def test_kpis_are_refused_to_people_who_do_not_broker(
    login: Login, stranger: User, leader_user: User, client_head: User, client: Client
) -> None:
    assert client.get(URL).status_code == 302  # to sign in
    for person in (stranger, leader_user, client_head):
        assert login(person).get(URL).status_code == 403


def test_a_coordinator_of_another_organisation_cannot_read_ours(
    login: Login, other_coordinator: User, alliance: Organisation
) -> None:
    response = login(other_coordinator).get(URL, {"organisation": alliance.pk})
    assert response.status_code == 404


def test_coordinator_reads_sles_deployed_within_3_months_against_the_50_percent_target(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    start = YEAR.starts_on + dt.timedelta(days=30)
    on_time = sle_maker(start)
    sle_maker(start)
    deploy(on_time, start + dt.timedelta(days=20), route=FundingRoute.LOCAL_AUTHORITY)
    browser = login(coordinator)
    # The KPIs over five years add four queries, whatever the number of years (annual.py); the
    # year's agreements are read once for the routes, areas and evaluations (16 before that).
    with django_assert_max_num_queries(13):
        response = browser.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "50%" in page
    assert "Target met" in page
    assert "1 of 2 SLEs" in page
    assert "The local authority" in page
    assert "£850.00" in page
    assert on_time.user.get_full_name() in page


def test_broker_lead_sees_this_years_kpis_on_the_home_page(
    login: Login,
    broker_lead: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
) -> None:
    sle_maker(YEAR.starts_on + dt.timedelta(days=1))
    page = login(broker_lead).get("/").content.decode()
    assert f"KPIs {YEAR.label}" in page
    assert "0% (0 of 1)" in page
    assert "Below target" in page
    assert reverse("reports:kpis") in page


def test_days_and_costs_by_area_are_summed_per_local_authority_most_days_first(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
) -> None:
    leader = sle_maker(dt.date(2025, 9, 1))
    deploy(leader, dt.date(2025, 10, 1))
    deploy(leader, dt.date(2025, 11, 3))
    [area] = agreements_by_area(alliance, "2025-26")
    assert area.agreements == 2
    assert area.days == Decimal("5")  # 2 full days and 1 half day, twice
    assert area.total_cost == Decimal("1700.00")


def test_rag_outcomes_count_each_evaluation_item(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
    client_head: User,
) -> None:
    leader = sle_maker(dt.date(2025, 9, 1))
    for rating in (Rag.GREEN, Rag.AMBER):
        deployment = deploy(leader, dt.date(2025, 10, 1))
        evaluation = Evaluation.objects.create(deployment=deployment, submitted_by=client_head)
        EvaluationRating.objects.bulk_create(
            EvaluationRating(evaluation=evaluation, item=item, rating=rating)
            for item in EvaluationItem
        )
    count, items = evaluation_outcomes(alliance, "2025-26")
    assert count == 2
    assert len(items) == 9
    assert all((i.green, i.amber, i.red) == (1, 1, 0) for i in items)
    assert items[0].green_percent == 50
    assert evaluation_outcomes(alliance, "2024-25")[0] == 0


@pytest.mark.parametrize("year", ["2025-26", "nonsense"])
def test_the_year_can_be_chosen_and_a_bad_one_falls_back_to_this_year(
    login: Login, coordinator: User, year: str
) -> None:
    response = login(coordinator).get(URL, {"academic_year": year})
    assert response.status_code == 200


def test_an_sle_whose_3_months_are_not_over_is_shown_as_not_yet_not_as_missed(
    login: Login,
    coordinator: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    sle_maker(today)
    page = login(coordinator).get(URL).content.decode()
    assert "Not yet:" in page
    assert "tag--red" not in page.split("SLEs designated in")[1].split("</table>")[0]
