"""The annual report's page and downloads (docs/annual-report.md): the broker's coordinators and
broker leads (and administrators) ask for a year's report, watch it being made, then download the
PDF and the workbook. Another broker's report is a 404; someone who brokers for no organisation
gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from syslead.brokering.views.common import (
    broker_organisations,
    chosen_organisation,
    organisation_filter,
)
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.exports import XLSX_CONTENT_TYPE
from syslead.core.http import AuthenticatedHttpRequest
from syslead.evaluation.documents import pdf_response
from syslead.organisations.models import Organisation
from syslead.reports import annual
from syslead.reports.forms import AnnualReportForm
from syslead.reports.models import AnnualReport

REFUSED = "Only coordinators and broker leads ask for the annual report."
#: The htmx poll's interval while a report is queued or being made.
POLL_SECONDS = 2
#: How many of the broker's reports the page lists.
REPORTS_SHOWN = 10
ASKED_MESSAGES = {
    annual.Asked.STARTED: "The report is being made: this page shows when it is ready.",
    annual.Asked.IN_THE_MAKING: "That report is already being made.",
}


def _organisation(request: AuthenticatedHttpRequest) -> tuple[list[Organisation], Organisation]:
    organisations = broker_organisations(request.user)
    return organisations, chosen_organisation(request, organisations, REFUSED)


def _context(organisation: Organisation) -> dict[str, Any]:
    reports = list(annual.reports_of(organisation)[:REPORTS_SHOWN])
    working = any(r.in_the_making for r in reports)
    return {
        "organisation": organisation,
        "reports": reports,
        "working": working,
        "stalled": any(annual.is_stalled(r) for r in reports),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for a year's report; the list of the broker's reports with their status (htmx asks for
    it again every 2 s while one is in the making) and, once ready, their downloads."""
    organisations, organisation = _organisation(request)
    form = AnnualReportForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            asked = annual.annual_report_request(
                actor=request.user,
                organisation=form.chosen_organisation(),
                academic_year=form.cleaned_data["academic_year"],
                audience=form.cleaned_data["audience"],
            )
        except RuleViolation as refusal:
            form.add_error("audience", refusal.message)
        except NotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.info(request, ASKED_MESSAGES[asked.outcome])
            return redirect(f"{reverse('reports:annual')}?organisation={organisation.pk}")
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "reports/includes/annual_progress.html", _context(organisation))
    context = _context(organisation)
    context["form"] = form
    context["several"] = len(organisations) > 1
    context["filter_form"] = organisation_filter(request, organisations)
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/annual.html", context, status=status)


def _ready_report(request: AuthenticatedHttpRequest, report_id: int) -> AnnualReport:
    """A ready report of one of the person's brokers: 403 for someone who brokers for no
    organisation, 404 for any other report."""
    organisations = broker_organisations(request.user)
    if not organisations:
        raise PermissionDenied(REFUSED)
    found = annual.report_file([o.pk for o in organisations], report_id)
    if found is None:
        raise Http404("No such report.")
    return found


@login_required
def annual_report_pdf(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """The report laid out for governors, access-checked on every request."""
    report = _ready_report(request, report_id)
    assert report.pdf is not None  # a ready report has its files (a database constraint)
    return pdf_response(bytes(report.pdf), annual.report_filename(report, "pdf"))


@login_required
def annual_report_xlsx(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """The report's figures as a workbook, one sheet per section."""
    report = _ready_report(request, report_id)
    assert report.xlsx is not None
    response = HttpResponse(bytes(report.xlsx), content_type=XLSX_CONTENT_TYPE)
    filename = annual.report_filename(report, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
