"""The directory of system leaders downloaded as CSV or Excel: the page's search, every row."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from syslead.core import exports as x
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.leaders.constants import PHASES
from syslead.leaders.models import DesignationStatus
from syslead.leaders.selectors import DirectoryRow
from syslead.leaders.views.common import require_reader
from syslead.leaders.views.directory import directory_rows, directory_search_from


def directory_columns(with_distance: bool) -> list[x.Column[DirectoryRow]]:
    columns: list[x.Column[DirectoryRow]] = [
        x.text("Name", lambda r: r.name, width=28),
        x.text("Email", lambda r: r.email, width=30),
        x.text("Job title", lambda r: r.job_title),
        x.text(
            "Designations",
            lambda r: [
                f"{d.code} ({DesignationStatus(d.status).label.lower()})" for d in r.designations
            ],
        ),
        x.number("Home school URN", lambda r: r.home_school_urn),
        x.text("Home school", lambda r: r.home_school_name, width=30),
        x.text("Local authority", lambda r: r.local_authority),
        x.text("Postcode", lambda r: r.postcode),
        x.text("Specialisms", lambda r: [s.label for s in r.specialisms], width=30),
        x.text("Phases", lambda r: [PHASES.get(p, p) for p in r.phases]),
    ]
    if with_distance:
        columns.append(
            x.number(
                "Distance (km)",
                lambda r: None if r.distance_km is None else round(r.distance_km, 1),
            )
        )
    columns += [
        x.number("Days released", lambda r: r.capacity.released),
        x.number("Days committed", lambda r: r.capacity.committed),
        x.number("Days delivered", lambda r: r.capacity.delivered),
        x.number("Days remaining", lambda r: r.remaining_days),
        x.text("Deployable", lambda r: r.deployable),
        x.text("Over-committed", lambda r: r.capacity.over_committed),
        x.date("Core training completed", lambda r: r.core_training_completed_on),
        x.text("Shared by", lambda r: list(r.shared_by)),
    ]
    return columns


@login_required
def directory_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The directory as the page lists it (same readers, same search, same order), every page.
    A search the page refuses (an unknown place) goes back to the page to say why."""
    require_reader(request.user)
    year = AcademicYear.current()
    search = directory_search_from(request)
    if not search.valid:
        return redirect(f"{reverse('leaders:directory')}?{request.GET.urlencode()}")
    rows = directory_rows(request, search, year)
    sheet = x.Sheet(
        f"System leaders {year.label}", directory_columns(search.place is not None), rows
    )
    return x.export_response(x.Export("leaders", [sheet]), fmt)
