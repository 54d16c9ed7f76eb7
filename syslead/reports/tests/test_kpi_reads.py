"""The KPI page's figures read once per year (``year_agreements``) are the figures the database
summed per funding route, per local authority and per evaluation item before (docs/rules.md:
KPIs, Reporting): the earlier queries are kept here as the reference, over agreements of every
status, route and area, two brokers and two years."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count

from conftest import make_school
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.tests.factories import make_request
from syslead.evaluation.models import Evaluation, EvaluationItem, EvaluationRating, Rag
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.selectors import (
    DEPLOYED_STATUSES,
    agreement_days,
    agreement_sums,
    agreements_by_area,
    agreements_by_funding_route,
    evaluation_outcomes,
    kpis,
    year_agreements,
)
from syslead.reports.tests.test_kpis import sle_maker  # noqa: F401  (fixture)
from syslead.schools.models import School

YEARS = ("2024-25", "2025-26")


def _reference_sums(organisation: Organisation, year: str, by: str) -> list[dict[str, Any]]:
    """The grouped sums as the database made them before."""
    return list(
        Deployment.objects.filter(
            organisation=organisation, academic_year=year, status__in=DEPLOYED_STATUSES
        )
        .values(by)
        .annotate(**agreement_sums())
        .order_by(by)
    )


def reference_routes(organisation: Organisation, year: str) -> list[tuple[Any, ...]]:
    return [
        (row["funding_route"], row["agreements"], agreement_days(row), Decimal(row["total"] or 0))
        for row in _reference_sums(organisation, year, "funding_route")
    ]


def reference_areas(organisation: Organisation, year: str) -> list[tuple[Any, ...]]:
    rows = [
        (
            row["client_school__local_authority"] or "Not known",
            row["agreements"],
            agreement_days(row),
            Decimal(row["total"] or 0),
        )
        for row in _reference_sums(organisation, year, "client_school__local_authority")
    ]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def reference_outcomes(organisation: Organisation, year: str) -> tuple[int, dict[Any, int]]:
    scope = {"deployment__organisation": organisation, "deployment__academic_year": year}
    counts = {
        (row["item"], row["rating"]): row["n"]
        for row in EvaluationRating.objects.filter(
            **{f"evaluation__{key}": value for key, value in scope.items()}
        )
        .values("item", "rating")
        .annotate(n=Count("pk"))
    }
    return Evaluation.objects.filter(**scope).count(), counts


@pytest.fixture
def history(
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
    client_head: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
) -> None:
    """Agreements of both brokers in both years: every status, every route, schools in two
    local authorities and one with none given, different days and costs; some evaluated."""
    schools = [
        client_school,
        make_school(140001, "Hill Primary", local_authority="Nottinghamshire"),
        make_school(140002, "Dale Primary", local_authority=""),
    ]
    leader = sle_maker(dt.date(2024, 9, 2))
    starts = {"2024-25": dt.date(2024, 10, 1), "2025-26": dt.date(2025, 10, 1)}
    ratings = itertools.cycle([Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREEN])
    combinations = itertools.product(
        (alliance, other_org), YEARS, DeploymentStatus.values, FundingRoute.values
    )
    for n, (organisation, year, status, route) in enumerate(combinations):
        school = schools[n % len(schools)]
        deployment = Deployment.objects.create(
            organisation=organisation,
            support_request=make_request(organisation, school),
            leader=leader,
            client_school=school,
            home_school=leader.home_school,
            status=status,
            starts_on=starts[year],
            ends_on=starts[year] + dt.timedelta(days=120),
            academic_year=AcademicYear.containing(starts[year]).label,
            full_days=1 + n % 3,
            half_days=n % 2,
            twilight_sessions=n % 4 == 0,
            funding_route=route,
            total_cost=Decimal("350.00") * (1 + n % 5) + Decimal("0.25"),
        )
        if n % 3:
            evaluation = Evaluation.objects.create(deployment=deployment, submitted_by=client_head)
            EvaluationRating.objects.bulk_create(
                EvaluationRating(evaluation=evaluation, item=item, rating=next(ratings))
                for item in EvaluationItem
                if (n + len(item.value)) % 4
            )


@pytest.mark.parametrize("year", YEARS)
def test_the_years_figures_equal_the_databases_sums_before(
    history: None, alliance: Organisation, other_org: Organisation, year: str
) -> None:
    for organisation in (alliance, other_org):
        agreements = year_agreements(organisation, year)
        routes = agreements_by_funding_route(organisation, year, agreements)
        assert [(r.funding_route, r.agreements, r.days, r.total_cost) for r in routes] == (
            reference_routes(organisation, year)
        )
        assert len(routes) == len(FundingRoute.values)
        areas = agreements_by_area(organisation, year, agreements)
        assert [(a.local_authority, a.agreements, a.days, a.total_cost) for a in areas] == (
            reference_areas(organisation, year)
        )
        assert {a.local_authority for a in areas} == {
            "Lincolnshire",
            "Nottinghamshire",
            "Not known",
        }
        count, items = evaluation_outcomes(organisation, year, agreements)
        expected_count, expected = reference_outcomes(organisation, year)
        assert count == expected_count > 0
        assert {
            (i.item, rag): n
            for i in items
            for rag, n in ((Rag.RED, i.red), (Rag.AMBER, i.amber), (Rag.GREEN, i.green))
            if n
        } == expected
        # Read without the year's agreements given, the same.
        assert kpis(organisation, year).by_funding_route == tuple(routes)
        assert agreements_by_area(organisation, year) == areas
        assert evaluation_outcomes(organisation, year) == (count, items)


def test_the_kpi_page_reads_the_years_agreements_once(
    history: None,
    alliance: Organisation,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    """One read of the year's agreements (their schools' areas and evaluations by key), then
    the ratings: the routes and areas are added from it."""
    agreements = year_agreements(alliance, YEARS[0])
    with django_assert_num_queries(1):
        evaluation_outcomes(alliance, YEARS[0], agreements)
    with django_assert_num_queries(0):
        agreements_by_area(alliance, YEARS[0], agreements)
        agreements_by_funding_route(alliance, YEARS[0], agreements)


def test_a_year_without_agreements_reads_nothing_more(
    alliance: Organisation, django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(1):
        agreements = year_agreements(alliance, "2019-20")
    with django_assert_num_queries(0):
        assert evaluation_outcomes(alliance, "2019-20", agreements)[0] == 0
        assert agreements_by_area(alliance, "2019-20", agreements) == []
