"""The list of agreements downloaded as CSV or Excel: the page's access rule and filters, every
row."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from syslead.core import exports as x
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.forms import AgreementFilterForm
from syslead.deployments.models import Deployment, Signature
from syslead.deployments.parties import party_label
from syslead.deployments.selectors import unsigned_parties
from syslead.deployments.transitions import AGREEMENT
from syslead.deployments.views.agreements import _filtered

#: Rows read from the database at a time (with their signatures) while a download streams.
CHUNK = 500


def _waiting_for(deployment: Deployment) -> list[str]:
    if not AGREEMENT.in_source("sign", deployment):
        return []
    return [party_label(deployment, party) for party in unsigned_parties(deployment)]


AGREEMENT_COLUMNS: list[x.Column[Deployment]] = [
    x.number("Agreement", lambda d: d.pk),
    x.number("Supported school URN", lambda d: d.client_school.urn),
    x.text("Supported school", lambda d: d.client_school.name, width=30),
    x.text("Broker", lambda d: d.organisation.name, width=30),
    x.text("System leader", lambda d: d.leader.user.get_full_name(), width=24),
    x.text("Home school", lambda d: d.home_school.name, width=30),
    x.text("Academic year", lambda d: d.academic_year),
    x.date("Starts", lambda d: d.starts_on),
    x.date("Ends", lambda d: d.ends_on),
    x.number("Days", lambda d: d.days),
    x.text("Funded by", lambda d: d.get_funding_route_display()),
    x.money("Total cost (£)", lambda d: d.total_cost),
    x.text("Status", lambda d: d.get_status_display()),
    x.number("Version", lambda d: d.version),
    x.text("Waiting for", _waiting_for, width=40),
]


@login_required
def agreement_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """Every agreement the agreements page lists with these filters, every page."""
    form = AgreementFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('deployments:list')}?{request.GET.urlencode()}")
    rows = (
        _filtered(request.user, form)
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.only("id", "deployment_id", "party"))
        )
        .iterator(chunk_size=CHUNK)
    )
    sheet = x.Sheet("Agreements", AGREEMENT_COLUMNS, rows)
    return x.export_response(x.Export("agreements", [sheet]), fmt)
