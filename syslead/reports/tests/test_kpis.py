"""KPIs: SLEs designated and deployed within 3 calendar months of designation (target 50%)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from conftest import ApiClient, make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.rules import add_months
from syslead.deployments.tests.factories import designation_type, make_leader, make_request
from syslead.leaders.models import Designation, DesignationRound, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.selectors import kpis
from syslead.schools.models import School

Api = Callable[[User | None], ApiClient]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 3, dt.date(2025, 11, 30)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 10, 15), 3, dt.date(2026, 1, 15)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
    ],
)
def test_calendar_months_are_added_and_clamped_to_the_month_end(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


@pytest.fixture
def sle_maker(alliance: Organisation) -> Callable[..., LeaderProfile]:
    counter = iter(range(1, 1000))

    def _make(designated_on: dt.date, organisation: Organisation | None = None, code: str = "SLE"):
        n = next(counter)
        school = make_school(130000 + n, f"School {n}")
        user = make_user(f"sle{n}@test.test", f"Sle {n}", (Role.SYSTEM_LEADER, None))
        return make_leader(
            user, school, organisation or alliance, designation=code, designated_on=designated_on
        )

    return _make


@pytest.fixture
def deploy(alliance: Organisation, client_school: School) -> Callable[..., Deployment]:
    def _deploy(
        leader: LeaderProfile,
        starts_on: dt.date,
        status: str = DeploymentStatus.ACTIVE,
        route: str = FundingRoute.SCHOOL,
    ) -> Deployment:
        support_request: SupportRequest = make_request(alliance, client_school)
        return Deployment.objects.create(
            organisation=alliance,
            support_request=support_request,
            leader=leader,
            client_school=client_school,
            home_school=leader.home_school,
            status=status,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=120),
            academic_year=AcademicYear.containing(starts_on).label,
            full_days=2,
            half_days=1,
            funding_route=route,
            total_cost=Decimal("850.00"),
        )

    return _deploy


def test_nothing_designated_gives_zero_and_the_target_is_not_met(alliance: Organisation) -> None:
    figures = kpis(alliance, "2025-26")
    assert (figures.sles_designated, figures.sles_deployed_within_3_months) == (0, 0)
    assert figures.sles_deployed_within_3_months_percent == 0.0
    assert figures.target_met is False


def test_designated_on_31_august_must_start_by_30_november(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    on_time = sle_maker(dt.date(2026, 8, 31))
    late = sle_maker(dt.date(2026, 8, 31))
    deploy(on_time, dt.date(2026, 11, 30))
    deploy(late, dt.date(2026, 12, 1))
    figures = kpis(alliance, "2025-26")
    assert figures.sles_designated == 2
    assert figures.sles_deployed_within_3_months == 1
    assert figures.sles_deployed_within_3_months_percent == 50.0
    assert figures.target_met is True
    assert {row.deploy_by for row in figures.sles} == {dt.date(2026, 11, 30)}


def test_designated_on_30_november_must_start_by_the_end_of_february(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    sle = sle_maker(dt.date(2025, 11, 30))
    deploy(sle, dt.date(2026, 3, 1))
    assert kpis(alliance, "2025-26").sles_deployed_within_3_months == 0
    deploy(sle, dt.date(2026, 2, 28))
    assert kpis(alliance, "2025-26").sles_deployed_within_3_months == 1


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        (DeploymentStatus.AWAITING_SIGNATURES, True),
        (DeploymentStatus.ACTIVE, True),
        (DeploymentStatus.PAUSED, True),
        (DeploymentStatus.COMPLETED, True),
        (DeploymentStatus.CANCELLED, False),
        (DeploymentStatus.ENDED_EARLY, False),
        (DeploymentStatus.SUPERSEDED, False),
        (DeploymentStatus.DRAFT, False),
    ],
)
def test_which_agreements_count_as_a_deployment(
    status: str,
    counts: bool,
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    sle = sle_maker(dt.date(2025, 10, 1))
    deploy(sle, dt.date(2025, 11, 3), status=status)
    assert kpis(alliance, "2025-26").sles_deployed_within_3_months == int(counts)


def test_only_this_organisations_sle_designations_in_the_year_count(
    alliance: Organisation,
    other_org: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    sle_maker(dt.date(2025, 9, 1))  # counted, never deployed
    sle_maker(dt.date(2025, 9, 1), organisation=other_org)
    sle_maker(dt.date(2025, 9, 1), code="LLE")
    sle_maker(dt.date(2025, 8, 31))  # the year before
    sle_maker(dt.date(2026, 9, 1))  # the year after
    figures = kpis(alliance, "2025-26")
    assert figures.sles_designated == 1
    assert figures.sles_deployed_within_3_months_percent == 0.0


def test_a_revoked_designation_made_that_year_still_counts(
    alliance: Organisation, sle_maker: Callable[..., LeaderProfile]
) -> None:
    sle = sle_maker(dt.date(2025, 9, 10))
    Designation.objects.filter(leader=sle).update(status="revoked", revoked_on=dt.date(2026, 1, 1))
    assert kpis(alliance, "2025-26").sles_designated == 1


def test_one_third_is_rounded_and_below_target(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    deploy(sle_maker(dt.date(2025, 9, 1)), dt.date(2025, 10, 1))
    sle_maker(dt.date(2025, 9, 1))
    sle_maker(dt.date(2025, 9, 1))
    figures = kpis(alliance, "2025-26")
    assert figures.sles_deployed_within_3_months_percent == 33.3
    assert figures.target_met is False


def test_the_designation_target_comes_from_the_years_sle_rounds(alliance: Organisation) -> None:
    assert kpis(alliance, "2025-26").sles_designation_target is None
    DesignationRound.objects.create(
        organisation=alliance,
        designation_type=designation_type("SLE"),
        title="Autumn round",
        opens_on=dt.date(2025, 10, 13),
        closes_on=dt.date(2025, 12, 15),
        target=8,
    )
    assert kpis(alliance, "2025-26").sles_designation_target == 8


def test_agreements_are_summed_by_funding_route(
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    sle = sle_maker(dt.date(2025, 9, 1))
    deploy(sle, dt.date(2025, 10, 1))
    deploy(sle, dt.date(2025, 11, 1))
    deploy(sle, dt.date(2025, 11, 1), route=FundingRoute.LOCAL_AUTHORITY)
    deploy(sle, dt.date(2025, 11, 1), status=DeploymentStatus.CANCELLED)
    rows = {r.funding_route: r for r in kpis(alliance, "2025-26").by_funding_route}
    assert rows["school"].agreements == 2
    assert rows["school"].days == Decimal("5")
    assert rows["school"].total_cost == Decimal("1700.00")
    assert rows["local_authority"].agreements == 1


# The API -----------------------------------------------------------------------------------------


def test_the_kpis_endpoint_gives_the_contract_fields(
    api: Api,
    coordinator: User,
    alliance: Organisation,
    sle_maker: Callable[..., LeaderProfile],
    deploy: Callable[..., Deployment],
) -> None:
    deploy(sle_maker(dt.date(2025, 9, 15)), dt.date(2025, 12, 15))
    sle_maker(dt.date(2025, 9, 15))
    response = api(coordinator).get(
        f"/reports/kpis?organisation={alliance.pk}&academic_year=2025-26"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["sles_designated"] == 2
    assert data["sles_deployed_within_3_months"] == 1
    assert data["sles_deployed_within_3_months_percent"] == 50.0
    assert data["sles_deployed_within_3_months_target_percent"] == 50.0
    assert data["sles_deployed_within_3_months_target_met"] is True


def test_broker_leads_read_them_and_the_year_defaults_to_the_current_one(
    api: Api, broker_lead: User, alliance: Organisation
) -> None:
    response = api(broker_lead).get(f"/reports/kpis?organisation={alliance.pk}")
    assert response.status_code == 200
    assert response.json()["academic_year"] == AcademicYear.current().label


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "sip", "leader_user"])
def test_others_may_not_read_them(
    api: Api, request: pytest.FixtureRequest, who: str, alliance: Organisation
) -> None:
    response = api(request.getfixturevalue(who)).get(
        f"/reports/kpis?organisation={alliance.pk}&academic_year=2025-26"
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_an_unknown_organisation_is_404_and_a_bad_year_422(
    api: Api, coordinator: User, alliance: Organisation
) -> None:
    assert (
        api(coordinator).get("/reports/kpis?organisation=99999&academic_year=2025-26").status_code
        == 404
    )
    bad = api(coordinator).get(f"/reports/kpis?organisation={alliance.pk}&academic_year=2025-27")
    assert bad.status_code == 422
    assert "academic_year" in bad.json()["errors"]
    assert api(coordinator).get("/reports/kpis").status_code == 422
    assert api(None).get(f"/reports/kpis?organisation={alliance.pk}").status_code == 401
