"""The annual report (docs/annual-report.md): its figures on a small world, the background task
that makes the PDF and the workbook, who may ask for and download it, and the charts with their
tables on the KPI page."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import Evaluation, EvaluationItem, EvaluationRating, Rag
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports import annual
from syslead.reports.charts import Series, bar_chart, nice_top
from syslead.reports.models import AnnualReport, AnnualReportStatus, Audience
from syslead.reports.selectors import kpis
from syslead.reports.tests.test_kpis import deploy, sle_maker  # noqa: F401  (fixtures)
from syslead.visits.models import Session, VisitStatus
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]
PAGE = reverse("reports:annual")
#: A year the report's form offers (the current one and the four before it).
YEAR = AcademicYear.current().previous()


@pytest.fixture
def world(
    alliance: Organisation,
    client_head: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
) -> dict[str, Any]:
    """In YEAR: two SLEs designated, one deployed within 3 months; two agreements started (one
    active, one completed and evaluated), one from the year before ended early in it, one
    cancelled; 1.5 days delivered (two agreed visits; one awaiting agreement does not count)."""
    start = YEAR.starts_on
    first = sle_maker(start + dt.timedelta(days=30))
    sle_maker(start + dt.timedelta(days=150))
    active = deploy(first, start + dt.timedelta(days=75))
    completed = deploy(first, start + dt.timedelta(days=9), status=DeploymentStatus.COMPLETED)
    Deployment.objects.filter(pk=completed.pk).update(
        ended_on=start + dt.timedelta(days=130), to_broker=Decimal("100.00")
    )
    early = deploy(first, start - dt.timedelta(days=90), status=DeploymentStatus.ENDED_EARLY)
    Deployment.objects.filter(pk=early.pk).update(ended_on=start + dt.timedelta(days=30))
    deploy(first, start + dt.timedelta(days=60), status=DeploymentStatus.CANCELLED)
    make_visit(active, date=start + dt.timedelta(days=91), status=VisitStatus.AGREED)
    make_visit(
        active,
        date=start + dt.timedelta(days=120),
        session=Session.HALF_DAY,
        status=VisitStatus.SIGNED_OFF,
    )
    make_visit(active, date=start + dt.timedelta(days=127))  # awaiting agreement
    evaluation = Evaluation.objects.create(deployment=completed, submitted_by=client_head)
    EvaluationRating.objects.bulk_create(
        EvaluationRating(
            evaluation=evaluation,
            item=item,
            rating=Rag.RED if item == EvaluationItem.PROGRESS_MADE else Rag.GREEN,
        )
        for item in EvaluationItem
    )
    return {"active": active, "completed": completed, "early": early}


def page_count(pdf: bytes) -> int:
    """The pages of a PDF: its page objects, read in its compressed streams as well."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)


# --- The figures -------------------------------------------------------------------------------


def test_the_years_figures_follow_the_rules_of_the_annual_report(
    alliance: Organisation, world: dict[str, Any]
) -> None:
    """Rule (docs/annual-report.md, "What the report counts"): started, live, completed, ended
    early, days agreed and delivered, costs, RAG outcomes and designations made."""
    figures = annual.annual_figures(alliance, YEAR, Audience.GOVERNORS)
    assert figures.agreements == annual.Agreements(started=2, live=3, completed=1, ended_early=1)
    assert figures.agreements.ended == 2
    assert figures.days_agreed == Decimal("5.0")  # two agreements of 2 full days and a half
    assert figures.days_delivered == Decimal("1.5")  # a full day and a half day agreed
    assert figures.money.total_cost == Decimal("1700.00")
    assert figures.money.to_broker == Decimal("100.00")
    assert figures.kpis.sles_designated == 2
    assert figures.kpis.sles_deployed_within_3_months == 1
    [made] = figures.designations
    assert (made.type_name, made.made, made.revoked) == ("Specialist Leader of Education", 2, 0)
    assert figures.evaluations == 1
    assert figures.rag_totals == {"green": 8, "amber": 0, "red": 1}
    assert figures.green_percent == 89
    assert figures.wording.title == f"Annual summary report {YEAR.label}"
    # No Ofsted history in this world: nothing to compare, and no impact chart.
    assert figures.impact_row.label == YEAR.label
    assert figures.impact_row.supported == 0
    assert figures.charts["impact"] is None
    assert figures.charts["rag"] is not None


def test_kpis_over_the_years_count_each_year_as_the_kpis_do(
    alliance: Organisation, world: dict[str, Any]
) -> None:
    """Rule (docs/annual-report.md, "What the report counts"): five years, the report's the last,
    each counted by the KPIs' rules, in a fixed number of queries."""
    history = annual.kpis_over_years(alliance, YEAR)
    assert [row.academic_year for row in history] == [
        AcademicYear(YEAR.start_year - n).label for n in (4, 3, 2, 1, 0)
    ]
    last = history[-1]
    figures = kpis(alliance, YEAR)
    assert (last.sles_designated, last.sles_deployed_within_3_months) == (
        figures.sles_designated,
        figures.sles_deployed_within_3_months,
    )
    assert (last.agreements, last.days_agreed, last.days_delivered) == (
        2,
        Decimal("5.0"),
        Decimal("1.5"),
    )
    assert last.deployed_percent == 50.0
    # The agreement that ended early started the year before, but an ended-early agreement's
    # days are not committed (the KPIs' rule), so that year shows none.
    assert history[-2].agreements == 0


def test_kpis_over_the_years_take_four_queries_whatever_the_years(
    alliance: Organisation,
    world: dict[str, Any],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    with django_assert_num_queries(4):
        annual.kpis_over_years(alliance, YEAR, years=8)


def test_only_a_local_authority_reports_to_the_national_body(
    alliance: Organisation, other_org: Organisation, coordinator: User, other_coordinator: User
) -> None:
    """Rule (docs/annual-report.md, "Two audiences")."""
    assert annual.audiences_for(alliance) == [Audience.GOVERNORS]
    assert annual.audiences_for(other_org) == [Audience.GOVERNORS, Audience.NATIONAL]
    with pytest.raises(RuleViolation):
        annual.annual_report_request(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR.label,
            audience=Audience.NATIONAL,
        )
    national = annual.annual_figures(other_org, YEAR, Audience.NATIONAL)
    assert national.wording.title == f"Report of impact {YEAR.label}"
    assert national.wording.for_whom == "For the national body"


def test_only_the_brokers_coordinators_and_leads_ask_for_its_report(
    alliance: Organisation, other_coordinator: User
) -> None:
    """Rule (docs/annual-report.md, "Asking for the report")."""
    with pytest.raises(NotAllowed):
        annual.annual_report_request(
            actor=other_coordinator,
            organisation=alliance,
            academic_year=YEAR.label,
            audience=Audience.GOVERNORS,
        )


# --- Making it in the background ---------------------------------------------------------------


def _ask(user: User, organisation: Organisation, capture: Callable[..., Any]) -> AnnualReport:
    with capture(execute=True):
        asked = annual.annual_report_request(
            actor=user,
            organisation=organisation,
            academic_year=YEAR.label,
            audience=Audience.GOVERNORS,
        )
    asked.report.refresh_from_db()
    return asked.report


def test_the_task_makes_the_pdf_and_the_workbook(
    alliance: Organisation,
    coordinator: User,
    world: dict[str, Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    report = _ask(coordinator, alliance, django_capture_on_commit_callbacks)
    assert report.status == AnnualReportStatus.READY
    assert report.pdf is not None
    assert report.xlsx is not None
    pdf = bytes(report.pdf)
    assert pdf.startswith(b"%PDF")
    assert report.pdf_size == len(pdf)
    assert page_count(pdf) >= 2
    workbook = load_workbook(io.BytesIO(bytes(report.xlsx)))
    assert workbook.sheetnames == [
        "Summary",
        "New system leaders",
        "Support agreements by funding",
        "Days by area",
        "RAG outcomes",
        "Impact",
        "KPIs over the years",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Organisation"] == alliance.name
    assert summary["Agreements started"] == 2
    assert summary["Agreements live during the year"] == 3
    assert summary["Days agreed"] == 5
    assert summary["Days delivered"] == 1.5
    assert summary["Total cost (£)"] == 1700
    assert summary["To the broker (£)"] == 100
    rag = list(workbook["RAG outcomes"].iter_rows(values_only=True))
    assert rag[0][:4] == ("Item", "Green", "Amber", "Red")
    assert rag[1][:4] == ("1. Progress made", 0, 0, 1)
    years = list(workbook["KPIs over the years"].iter_rows(values_only=True))
    assert years[-1][0] == YEAR.label
    assert years[-1][5:7] == (5, 1.5)
    area = list(workbook["Days by area"].iter_rows(values_only=True))
    assert area[1][:3] == ("Lincolnshire", 2, 5)


def test_the_pdf_is_laid_out_for_governors_each_chart_followed_by_its_table(
    alliance: Organisation, world: dict[str, Any]
) -> None:
    figures = annual.annual_figures(alliance, YEAR, Audience.GOVERNORS)
    html = annual.annual_html(figures)
    assert "<h1>Annual summary report" in html
    for chart_id in ("pdf-area", "pdf-rag", "pdf-history", "pdf-sles"):
        at = html.index(f'aria-labelledby="{chart_id}-title')
        assert 'role="img"' in html[at - 200 : at]
        assert "<table>" in html[at : at + 8000], chart_id


def test_asking_again_while_a_report_is_being_made_returns_it(
    alliance: Organisation, coordinator: User
) -> None:
    making = AnnualReport.objects.create(
        organisation=alliance, academic_year=YEAR.label, audience=Audience.GOVERNORS
    )
    asked = annual.annual_report_request(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR.label,
        audience=Audience.GOVERNORS,
    )
    assert (asked.outcome, asked.report.pk) == (annual.Asked.IN_THE_MAKING, making.pk)
    # Stalled: given up and another started.
    AnnualReport.objects.filter(pk=making.pk).update(
        requested_at=timezone.now() - annual.STALLS_AFTER - dt.timedelta(minutes=1)
    )
    again = annual.annual_report_request(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR.label,
        audience=Audience.GOVERNORS,
    )
    assert again.outcome == annual.Asked.STARTED
    assert again.report.pk != making.pk
    making.refresh_from_db()
    assert making.status == AnnualReportStatus.FAILED


def test_a_report_that_cannot_be_laid_out_shows_it_failed(
    alliance: Organisation,
    coordinator: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # The task raises again for the worker's log; the immediate backend records it as failed.
    with mock.patch.object(annual, "render_pdf", side_effect=RuntimeError("no fonts")):
        _ask(coordinator, alliance, django_capture_on_commit_callbacks)
    report = AnnualReport.objects.get(organisation=alliance)
    assert report.status == AnnualReportStatus.FAILED
    assert "no fonts" in report.error
    assert report.pdf is None


# --- The page and the downloads ----------------------------------------------------------------


def test_a_coordinator_asks_for_the_report_and_downloads_both_files(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    world: dict[str, Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    browser = login(coordinator)
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert "Report of impact to the national body" not in page.content.decode()  # not an LA
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(PAGE, {"academic_year": YEAR.label, "audience": Audience.GOVERNORS})
    assert response.status_code == 302
    report = AnnualReport.objects.get(organisation=alliance)
    assert report.status == AnnualReportStatus.READY
    page = browser.get(PAGE).content.decode()
    pdf_url = reverse("reports:annual_pdf", args=[report.pk])
    xlsx_url = reverse("reports:annual_xlsx", args=[report.pk])
    assert pdf_url in page
    assert xlsx_url in page
    pdf = browser.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    xlsx = browser.get(xlsx_url)
    assert xlsx.status_code == 200
    assert f"annual-summary-{alliance.slug}-{YEAR.label}.xlsx" in xlsx["Content-Disposition"]


def test_the_page_polls_while_a_report_is_being_made(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    AnnualReport.objects.create(
        organisation=alliance, academic_year=YEAR.label, audience=Audience.GOVERNORS
    )
    part = login(coordinator).get(PAGE, headers={"HX-Request": "true"})
    text = part.content.decode()
    assert 'hx-trigger="every 2s"' in text
    assert "Waiting to start" in text
    assert "<html" not in text


def test_a_bad_choice_is_shown_in_the_error_summary(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        PAGE, {"academic_year": "1999-00", "audience": Audience.NATIONAL}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "govuk-error-message" in text
    assert not AnnualReport.objects.exists()


def test_a_local_authority_asks_for_its_report_of_impact(
    login: Login,
    other_coordinator: User,
    other_org: Organisation,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    browser = login(other_coordinator)
    assert "Report of impact to the national body" in browser.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(PAGE, {"academic_year": YEAR.label, "audience": Audience.NATIONAL})
    report = AnnualReport.objects.get(organisation=other_org)
    assert report.status == AnnualReportStatus.READY
    download = browser.get(reverse("reports:annual_pdf", args=[report.pk]))
    assert f"report-of-impact-{other_org.slug}" in download["Content-Disposition"]


def test_another_broker_cannot_download_our_report(
    login: Login,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
    client: Client,
) -> None:
    report = AnnualReport.objects.create(
        organisation=alliance,
        academic_year=YEAR.label,
        audience=Audience.GOVERNORS,
        status=AnnualReportStatus.READY,
        pdf=b"%PDF-1.4\n%%EOF\n",
        xlsx=b"PK",
    )
    urls = [reverse(f"reports:annual_{kind}", args=[report.pk]) for kind in ("pdf", "xlsx")]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    for url in urls:
        assert login(other_coordinator).get(url).status_code == 404
    for url in urls:
        assert login(stranger).get(url).status_code == 403
    assert login(stranger).get(PAGE).status_code == 403
    # Another broker's page for our organisation is a 404 too.
    response = login(other_coordinator).get(PAGE, {"organisation": alliance.pk})
    assert response.status_code == 404


def test_a_report_still_in_the_making_is_not_downloaded(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    report = AnnualReport.objects.create(
        organisation=alliance, academic_year=YEAR.label, audience=Audience.GOVERNORS
    )
    response = login(coordinator).get(reverse("reports:annual_pdf", args=[report.pk]))
    assert response.status_code == 404


# --- Charts ------------------------------------------------------------------------------------


def test_stacked_bars_add_up_and_the_scale_is_a_round_number() -> None:
    assert nice_top(0) == (4.0, [0.0, 1.0, 2.0, 3.0, 4.0])
    assert nice_top(5) == (8.0, [0.0, 2.0, 4.0, 6.0, 8.0])
    assert nice_top(37)[0] == 40
    assert nice_top(120)[0] == 200
    assert nice_top(1700)[0] == 2000
    chart = bar_chart(
        ["Item 1", "Item 2"],
        [Series("Green", [3, 0]), Series("Red", [1, 2])],
        stacked=True,
    )
    assert chart is not None
    first, second = chart.groups
    assert [bar.label for bar in first.bars] == ["Green: 3", "Red: 1"]
    # Stacked: the red bar sits on the green one.
    assert first.bars[1].y + first.bars[1].height == pytest.approx(first.bars[0].y, abs=0.2)
    assert [bar.label for bar in second.bars] == ["Red: 2"]  # a zero draws nothing
    assert "Item 1: green 3, red 1" in chart.description
    assert bar_chart([], [Series("Days", [])]) is None


def test_the_kpi_page_draws_its_charts_each_with_its_table(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    world: dict[str, Any],
) -> None:
    """Rule (docs/annual-report.md, "Charts"): an SVG image with a title and a description in
    words, followed by the table of its figures."""
    response = login(coordinator).get(
        reverse("reports:kpis"), {"organisation": alliance.pk, "academic_year": YEAR.label}
    )
    text = response.content.decode()
    for chart_id in ("chart-history", "chart-sles", "chart-area", "chart-rag"):
        at = text.index(f'aria-labelledby="{chart_id}-title {chart_id}-desc"')
        assert 'role="img"' in text[at - 300 : at]
        assert f'<title id="{chart_id}-title">' in text
        assert '<table class="table' in text[at : at + 12000], chart_id
    assert 'id="table-history"' in text
    assert f"{YEAR.label}: days agreed 5, days delivered 1.5" in text


def test_the_page_lists_only_the_brokers_own_reports(
    login: Login, coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    ours = AnnualReport.objects.create(
        organisation=alliance, academic_year=YEAR.label, audience=Audience.GOVERNORS
    )
    AnnualReport.objects.create(
        organisation=other_org, academic_year=YEAR.label, audience=Audience.NATIONAL
    )
    text = login(coordinator).get(PAGE).content.decode()
    assert escape(ours.get_audience_display()) in text
    assert "Report of impact to the national body" not in text
