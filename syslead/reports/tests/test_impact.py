"""Impact against a comparison group (docs/impact.md): each rule of ``syslead.reports.impact``, the
page (with its chart and table), its downloads and who may read them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.tests.factories import make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.charts import impact_chart
from syslead.reports.impact import Proportion, impact, wilson_interval
from syslead.schools.models import OfstedInspection, OfstedRating, Phase, School

Login = Callable[[User], Client]
URL = reverse("reports:impact")
pytestmark = pytest.mark.django_db

O, G, RI, S, I = (  # noqa: E741
    OfstedRating.OUTSTANDING,
    OfstedRating.GOOD,
    OfstedRating.REQUIRES_IMPROVEMENT,
    OfstedRating.SATISFACTORY,
    OfstedRating.INADEQUATE,
)
D = dt.date


def school(urn: int, *history: tuple[dt.date, str], phase: str = Phase.PRIMARY) -> School:
    made = make_school(urn, f"School {urn}", phase=phase)
    for inspected_on, rating in history:
        OfstedInspection.objects.create(school=made, inspected_on=inspected_on, rating=rating)
    return made


def peers(phase: str = Phase.PRIMARY) -> None:
    """A never-supported school of each starting grade, graded in May 2011 and again, the same,
    in May 2016: a comparison school for every cell of 2012-13 to 2014-15, none improving."""
    for n, grade in enumerate((O, G, RI, I)):
        school(300000 + n, (D(2011, 5, 1), grade), (D(2016, 5, 1), grade), phase=phase)


@pytest.fixture
def leader(alliance: Organisation) -> LeaderProfile:
    home = make_school(199001, "Home School")
    user = make_user("lee@kyra.test", "Lee Leader", (Role.SYSTEM_LEADER, None))
    return make_leader(user, home, alliance)


@pytest.fixture
def support(leader: LeaderProfile, alliance: Organisation) -> Callable[..., Deployment]:
    def _support(
        client: School,
        starts_on: dt.date,
        organisation: Organisation | None = None,
        status: str = DeploymentStatus.COMPLETED,
    ) -> Deployment:
        broker = organisation or alliance
        return Deployment.objects.create(
            organisation=broker,
            support_request=make_request(broker, client),
            leader=leader,
            client_school=client,
            home_school=leader.home_school,
            status=status,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=120),
            academic_year=AcademicYear.containing(starts_on).label,
            full_days=2,
            funding_route=FundingRoute.SCHOOL,
            total_cost=Decimal("700.00"),
        )

    return _support


# --- Wilson's interval ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "total", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_the_confidence_interval_is_wilsons_score_interval(
    successes: int, total: int, low: float, high: float
) -> None:
    """Rule: 95% confidence intervals are Wilson's (published values, z = 1.96)."""
    interval = wilson_interval(successes, total)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=1e-4)
    assert interval[1] == pytest.approx(high, abs=1e-4)


def test_no_schools_gives_no_interval_and_no_percentage() -> None:
    assert wilson_interval(0, 0) is None
    assert Proportion(0, 0).percent is None
    assert Proportion(0, 0).low_percent is None


# --- Supported schools ---------------------------------------------------------------------------


def test_improved_means_a_better_grade_at_the_next_graded_inspection(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: improved = the first graded inspection after the start is better than the latest
    one on or before it; the same grade (satisfactory then requires improvement is the same
    grade) or a worse one is not."""
    peers()
    better = school(100001, (D(2012, 3, 1), RI), (D(2014, 5, 1), G), (D(2016, 5, 1), I))
    same = school(100002, (D(2012, 3, 1), S), (D(2014, 5, 1), RI))
    worse = school(100003, (D(2012, 3, 1), G), (D(2014, 5, 1), RI))
    for client in (better, same, worse):
        support(client, D(2013, 1, 10))

    row = impact(alliance, None).overall

    assert (row.supported, row.improved, row.stayed, row.declined) == (3, 1, 1, 1)
    assert row.supported_proportion.percent == pytest.approx(33.3)


def test_the_starting_grade_is_the_latest_on_or_before_the_start_and_not_too_old(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: the starting grade is the latest graded inspection on or before the agreement's
    start, no more than BASELINE_YEARS (4) school years before the start's year; otherwise the
    school has no starting grade and is counted apart. A school never inspected again is counted
    apart too."""
    peers()
    on_the_day = school(100011, (D(2010, 1, 1), I), (D(2013, 1, 10), RI), (D(2014, 1, 1), G))
    too_old = school(100012, (D(2008, 8, 31), RI), (D(2014, 1, 1), G))
    oldest_allowed = school(100013, (D(2008, 9, 1), RI), (D(2014, 1, 1), G))
    not_again = school(100014, (D(2012, 1, 1), RI))
    for client in (on_the_day, too_old, oldest_allowed, not_again):
        support(client, D(2013, 1, 10))

    row = impact(alliance, None).overall

    assert row.supported == 2  # on_the_day (RI → G) and oldest_allowed (RI → G)
    assert row.improved == 2
    assert row.no_starting_grade == 1
    assert row.not_inspected_again == 1


def test_a_school_supported_twice_counts_once_from_its_first_agreement(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: a school is counted once, from the earliest start of its agreements in the scope."""
    peers()
    client = school(100021, (D(2012, 1, 1), I), (D(2013, 6, 1), RI), (D(2015, 6, 1), RI))
    support(client, D(2012, 10, 1))
    support(client, D(2014, 10, 1))

    row = impact(alliance, None).overall

    assert (row.supported, row.improved) == (1, 1)  # I → RI, from the first start


def test_only_agreements_in_which_support_took_place_count(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: supported = an agreement active, paused, completed or ended early; a draft, one
    awaiting signatures or a cancelled one is not support."""
    peers()
    statuses = [
        DeploymentStatus.ACTIVE,
        DeploymentStatus.PAUSED,
        DeploymentStatus.COMPLETED,
        DeploymentStatus.ENDED_EARLY,
        DeploymentStatus.AWAITING_SIGNATURES,
        DeploymentStatus.DRAFT,
        DeploymentStatus.CANCELLED,
    ]
    for n, status in enumerate(statuses):
        client = school(100100 + n, (D(2012, 1, 1), RI), (D(2014, 1, 1), G))
        support(client, D(2013, 1, 10), status=status)

    assert impact(alliance, None).overall.supported == 4


def test_inspections_of_the_report_card_era_are_kept_apart(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: inspections from 1 September 2025 (the report-card era) are neither a starting nor
    a later grade, and the page counts them."""
    client = school(100031, (D(2023, 1, 1), RI), (D(2025, 9, 1), G))
    support(client, D(2024, 1, 10))

    figures = impact(alliance, None)

    assert figures.overall.supported == 0
    assert figures.overall.not_inspected_again == 1
    assert figures.report_card_era_inspections == 1


# --- The comparison group ------------------------------------------------------------------------


def test_the_comparison_group_has_the_same_phase_starting_grade_and_period(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: comparison schools are never-supported schools of the supported school's phase and
    starting grade, read from 1 September of the year the agreement began: the latest graded
    inspection on or before it, the next one after it."""
    supported = school(100041, (D(2012, 3, 1), RI), (D(2014, 5, 1), G))
    support(supported, D(2013, 1, 10))  # the 2012-13 year: comparison read from 1 Sept 2012
    school(200001, (D(2011, 5, 1), RI), (D(2013, 5, 1), G))  # in, improved
    school(200002, (D(2012, 9, 1), RI), (D(2014, 5, 1), RI))  # in (on the day), stayed
    school(200003, (D(2011, 5, 1), RI), (D(2013, 5, 1), G), phase=Phase.SECONDARY)  # phase
    school(200004, (D(2011, 5, 1), G), (D(2013, 5, 1), O))  # another starting grade
    school(200005, (D(2012, 9, 2), RI), (D(2014, 5, 1), G))  # starting grade after the day
    school(200006, (D(2011, 5, 1), RI))  # not inspected again
    school(200007, (D(2011, 5, 1), RI), (D(2013, 5, 1), G), phase="")  # phase unknown

    row = impact(alliance, None).overall

    assert (row.comparison_schools, row.comparison_improved) == (2, 1)
    assert row.comparison_proportion.percent == 50.0


def test_schools_supported_by_anyone_are_never_comparison_schools(
    alliance: Organisation, other_org: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: a school any agreement in Syslead supported (any status but draft or cancelled,
    any broker, any year) is not a comparison school; draft- or cancelled-only schools are."""
    supported = school(100051, (D(2012, 3, 1), RI), (D(2014, 5, 1), G))
    support(supported, D(2013, 1, 10))
    by_other = school(200011, (D(2011, 5, 1), RI), (D(2013, 5, 1), G))
    support(by_other, D(2019, 1, 10), organisation=other_org)
    waiting = school(200012, (D(2011, 5, 1), RI), (D(2013, 5, 1), G))
    support(waiting, D(2019, 1, 10), status=DeploymentStatus.AWAITING_SIGNATURES)
    cancelled = school(200013, (D(2011, 5, 1), RI), (D(2013, 5, 1), RI))
    support(cancelled, D(2013, 1, 10), status=DeploymentStatus.CANCELLED)

    row = impact(alliance, None).overall

    assert (row.comparison_schools, row.comparison_improved) == (1, 0)  # only the cancelled one


def test_a_supported_school_without_comparison_schools_is_counted_apart(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: only supported schools with comparison schools of their phase, starting grade and
    year are compared; the others are counted apart ("no comparison school")."""
    peers()
    support(school(100121, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    support(
        school(100122, (D(2012, 3, 1), RI), (D(2014, 5, 1), G), phase=Phase.SECONDARY),
        D(2013, 1, 10),
    )

    row = impact(alliance, None).overall

    assert (row.supported, row.improved, row.without_comparison) == (1, 1, 1)


def test_the_comparison_percentage_is_weighted_like_the_supported_schools(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: each (phase, starting grade, year) cell weighs as many supported schools as it has;
    its interval uses Kish's effective number of schools. Supported schools of a cell without
    comparison schools are counted apart."""
    support(school(100061, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    support(school(100062, (D(2012, 3, 1), I), (D(2014, 5, 1), I)), D(2013, 1, 10))
    support(school(100063, (D(2012, 3, 1), O), (D(2014, 5, 1), O)), D(2013, 1, 10))
    school(200021, (D(2011, 5, 1), RI), (D(2013, 5, 1), G))  # RI cell: 1 of 2 improved
    school(200022, (D(2011, 5, 1), RI), (D(2013, 5, 1), RI))
    school(200023, (D(2011, 5, 1), I), (D(2013, 5, 1), RI))  # I cell: 1 of 1 improved

    row = impact(alliance, None).overall

    assert (row.comparison_schools, row.comparison_improved) == (3, 2)
    assert row.comparison_weighted == pytest.approx(0.75)  # (0.5 + 1) / 2, not 2 / 3
    assert row.comparison_effective == pytest.approx(4 / (1 / 2 + 1 / 1))
    assert row.without_comparison == 1  # the outstanding school


# --- Scope: broker and year ----------------------------------------------------------------------


def test_a_brokers_figures_count_only_its_own_agreements_and_the_year_chosen(
    alliance: Organisation, other_org: Organisation, support: Callable[..., Deployment]
) -> None:
    """Rule: per broker and year. A broker's figures count its agreements only; every broker's
    are split by broker and by year."""
    peers()
    ours = school(100071, (D(2012, 3, 1), RI), (D(2014, 5, 1), G))
    later = school(100072, (D(2013, 3, 1), RI), (D(2015, 5, 1), RI))
    theirs = school(100073, (D(2012, 3, 1), RI), (D(2014, 5, 1), RI))
    support(ours, D(2013, 1, 10))
    support(later, D(2014, 1, 10))
    support(theirs, D(2013, 1, 10), organisation=other_org)

    assert impact(alliance, None).overall.supported == 2
    assert impact(alliance, "2012-13").overall.supported == 1
    assert [r.label for r in impact(alliance, None).by_year] == ["2012-13", "2013-14"]
    every = impact(None, None)
    assert every.overall.supported == 3
    assert [(r.label, r.supported) for r in every.by_broker] == [
        (alliance.name, 2),
        (other_org.name, 1),
    ]


def test_the_figures_take_five_queries_whatever_the_number_of_schools(
    alliance: Organisation,
    support: Callable[..., Deployment],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    """Query budget: no query per school (the inspections, the schools ever supported, the
    agreements counted, the broker names, the report-card era's count)."""
    for n in range(20):
        support(school(100200 + n, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
        school(200200 + n, (D(2011, 3, 1), RI), (D(2014, 5, 1), G))
    with django_assert_max_num_queries(5):  # type: ignore[attr-defined]
        figures = impact(None, None)
    assert figures.overall.supported == 20


# --- The page ------------------------------------------------------------------------------------


def test_the_page_shows_figures_chart_table_and_method(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    support: Callable[..., Deployment],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    """The page: counts, percentages and intervals; an SVG chart (role="img", title, desc) beside
    the table of its figures; the method in words, with why report cards are kept apart."""
    support(school(100081, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    school(200031, (D(2011, 5, 1), RI), (D(2013, 5, 1), RI))
    browser = login(coordinator)
    with django_assert_max_num_queries(12):  # type: ignore[attr-defined]
        response = browser.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page
    assert '<title id="impact-chart-title">' in page
    assert "2012-13: supported 100% improved, comparison 0%" in page
    assert '<table class="table table--stacks" id="impact-groups">' in page
    assert "1 of 1 supported school;" in page
    assert "20.7% to 100%" in page  # Wilson's interval for 1 of 1
    assert "How these figures are worked out" in page
    assert "1 September 2025" in page
    assert "five-point scale" in page


def test_a_broker_without_figures_gets_a_page_without_a_chart(
    login: Login, coordinator: User
) -> None:
    response = login(coordinator).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' not in page
    assert "no agreement" in page


def test_the_page_is_read_by_whoever_reads_the_kpis(
    login: Login,
    client: Client,
    coordinator: User,
    broker_lead: User,
    sip: User,
    other_coordinator: User,
    alliance: Organisation,
) -> None:
    """Access: the KPIs' rule (coordinators and broker leads of the organisation, and
    administrators); others are refused, another organisation's figures are 404."""
    assert client.get(URL).status_code == 302
    assert login(broker_lead).get(URL).status_code == 200
    assert login(sip).get(URL).status_code == 403
    assert login(other_coordinator).get(URL, {"organisation": alliance.pk}).status_code == 404
    assert login(coordinator).get(URL, {"organisation": "all"}).status_code == 404


def test_an_administrator_sees_every_broker_by_default(
    login: Login,
    alliance: Organisation,
    other_org: Organisation,
    support: Callable[..., Deployment],
) -> None:
    admin = User.objects.create_superuser(email="root@syslead.test", password="x")
    support(school(100091, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    support(
        school(100092, (D(2012, 3, 1), RI), (D(2014, 5, 1), RI)),
        D(2013, 1, 10),
        organisation=other_org,
    )
    page = login(admin).get(URL).content.decode()
    assert "All brokers" in page
    assert "By broker" in page
    assert '<table class="table table--stacks" id="impact-years">' in page


def test_a_bad_year_is_an_error_on_the_form_not_a_crash(login: Login, coordinator: User) -> None:
    response = login(coordinator).get(URL, {"academic_year": "1999-00"})
    assert response.status_code == 200
    assert 'id="id_academic_year-error"' in response.content.decode()


def test_the_download_has_the_pages_figures(
    login: Login, coordinator: User, alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    """Exports: the impact figures as CSV (and Excel), each table a section, and in the KPIs'
    download too."""
    peers()
    support(school(100101, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    browser = login(coordinator)
    response = browser.get(reverse("reports:impact_export", kwargs={"fmt": "csv"}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Impact by year"] in rows
    year_row = next(r for r in rows if r and r[0] == "2012-13")
    assert year_row[1:3] == ["1", "1"]
    xlsx = browser.get(reverse("reports:impact_export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200
    kpis = browser.get(
        reverse("reports:kpis_export", kwargs={"fmt": "csv"}), {"academic_year": "2025-26"}
    )
    assert b"Impact by year" in b"".join(kpis.streaming_content)  # type: ignore[attr-defined]


def test_the_chart_draws_a_whisker_for_each_interval(
    alliance: Organisation, support: Callable[..., Deployment]
) -> None:
    support(school(100111, (D(2012, 3, 1), RI), (D(2014, 5, 1), G)), D(2013, 1, 10))
    school(200041, (D(2011, 5, 1), RI), (D(2013, 5, 1), RI))
    chart = impact_chart(impact(alliance, None).by_year)
    assert chart is not None
    supported, comparison = chart.groups[0].bars
    assert supported.height > comparison.height == 0
    assert supported.whisker_top is not None
    assert supported.whisker_bottom is not None
    assert supported.whisker_bottom > supported.whisker_top  # SVG's y grows downwards


def test_the_schools_ever_supported_are_read_from_an_index_of_their_own() -> None:
    """Issue 16 item 6: at 100,000 agreements the report's read of the schools ever supported
    scanned every agreement's row; a partial index on the client school, over the agreements
    that count as support, is read instead (measured by ``benchmarks/pages.py``). If what counts
    as support changes, the index's condition must change with it."""
    from django.db.models import Q

    from syslead.deployments.models import Deployment
    from syslead.reports.impact import NOT_SUPPORT

    (index,) = [i for i in Deployment._meta.indexes if i.name == "agreement_supported_school"]
    assert list(index.fields) == ["client_school"]
    assert index.condition == ~Q(status__in=list(NOT_SUPPORT))


def test_the_columns_are_read_as_whole_numbers_and_dates_as_ordinals() -> None:
    """The inspections and agreements are read column by column as whole numbers (on PostgreSQL
    packed by the database; elsewhere from the cursor): the same rows, the dates as
    ``date.toordinal``, and nothing for no rows."""
    from syslead.reports.impact import _int_columns

    school(120001, (D(2010, 3, 4), G), (D(2014, 9, 30), RI))
    school(120002, (D(1999, 12, 31), O))
    inspections = OfstedInspection.objects.all()
    urns, days = _int_columns(inspections, ["school_id", "inspected_on"], dates=["inspected_on"])
    expected = inspections.values_list("school_id", "inspected_on")
    assert sorted(zip(urns.tolist(), days.tolist(), strict=True)) == sorted(
        (urn, day.toordinal()) for urn, day in expected
    )
    assert len(urns) == 3
    assert urns.dtype == days.dtype == "int64"
    (none,) = _int_columns(OfstedInspection.objects.filter(school_id=1), ["school_id"])
    assert none.tolist() == []
