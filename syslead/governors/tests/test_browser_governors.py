"""In Chromium at 320 px, axe-core on every page: the headteacher names a governor; the governor
reads their school's agreement, its signed deployment record, the evaluation and the approved
final report; the leader writes a self-evaluation in their portfolio."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.deployments.models import Deployment
from syslead.evaluation.models import EvaluationItem, FinalReport
from syslead.evaluation.services import (
    evaluation_submit,
    final_report_approve,
    final_report_save,
    final_report_submit,
)
from syslead.schools.models import School
from syslead.visits.services import log_share_sign, log_share_term

pytestmark = pytest.mark.browser
WIDTH = 320
AUTUMN = Term(AcademicYear(2025), "autumn")


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_the_governing_body_and_the_portfolio_at_320_px(
    page: Page,
    client_head: User,
    governor: User,
    leader_user: User,
    coordinator: User,
    client_school: School,
    deployment: Deployment,
) -> None:
    with transaction.atomic():
        log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
        share = log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
        evaluation_submit(
            actor=client_head,
            deployment=deployment,
            ratings=dict.fromkeys(EvaluationItem.values, "green"),
            comments={"overall_success": "Transformed our maths leadership."},
        )
        report = final_report_save(
            actor=leader_user,
            deployment=deployment,
            work_summary="Eight days of coaching the maths leader.",
            impact="KS2 maths up 12 points",
        )
        final_report_submit(actor=leader_user, report=report)
        final_report_approve(actor=coordinator, report=FinalReport.objects.get(pk=report.pk))

    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/governors/schools/{client_school.urn}/")
    axe_check(page)
    _fits(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Their full name").fill("Gwen Governor")
    page.get_by_label("Their e-mail address").fill("gwen@ermine.test")
    page.get_by_label("Governor", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invited gwen@ermine.test to join.")).to_be_visible()
    axe_check(page)
    _fits(page)

    _sign_out(page)
    browser_signed_in(page, governor.email, home=False)
    page.goto("/governors/")
    axe_check(page)
    _fits(page)
    page.get_by_role("link", name=client_school.name).click()
    axe_check(page)
    _fits(page)
    for path in (
        f"/governors/agreements/{deployment.pk}/records/{share.pk}/",
        f"/governors/agreements/{deployment.pk}/evaluation/",
        f"/governors/agreements/{deployment.pk}/final-report/",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        axe_check(page)
        _fits(page)

    _sign_out(page)
    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/portfolio/")
    axe_check(page)
    _fits(page)
    page.get_by_role("link", name=f"Write your self-evaluation of {client_school.name}").click()
    page.get_by_role("button", name="Save your self-evaluation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("What went well").fill("Book looks every fortnight.")
    page.get_by_label("The impact you saw").fill("Marking is consistent.")
    page.get_by_label("What you would do differently").fill("Agree baselines earlier.")
    page.get_by_label("Good: most of what was agreed was achieved").check()
    page.get_by_role("button", name="Save your self-evaluation").click()
    expect(page.get_by_text("Your self-evaluation is saved in your portfolio.")).to_be_visible()
    axe_check(page)
    _fits(page)
