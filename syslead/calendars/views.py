"""The calendars' pages: a local authority's term dates (set by an organisation's coordinators),
the private calendar feed and its address on the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from syslead.calendars import access, services
from syslead.calendars.feeds import feed_calendar, ics_response
from syslead.calendars.forms import CalendarAddressForm, TermDatesForm
from syslead.calendars.models import CalendarFeed
from syslead.calendars.school_calendar import (
    bank_holidays,
    calendar_for,
    organisation_local_authority,
)
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.organisations.models import Organisation


def _organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    try:
        return access.organisation_for_term_dates(request.user, slug)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


def _years() -> list[AcademicYear]:
    current = AcademicYear.current()
    return [current.previous(), current, current.next()]


@login_required
def term_dates_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The term dates of the organisations the person coordinates (straight there for one)."""
    organisations = list(access.term_dates_organisations_for(request.user))
    if not organisations:
        raise PermissionDenied("Only an organisation's coordinators set its term dates.")
    if len(organisations) == 1:
        return redirect("calendars:term_dates", organisations[0].slug)
    return render(request, "calendars/index.html", {"organisations": organisations})


@login_required
def term_dates(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The local authority's terms this year, last year and next, with where they come from."""
    organisation = _organisation(request, slug)
    local_authority = organisation_local_authority(organisation)
    calendar = calendar_for(local_authority)
    years = []
    for year in _years():
        dates = calendar.year_dates(year)
        holidays_in_term = sorted(
            (day, name)
            for calendar_year in (year.start_year, year.start_year + 1)
            for day, name in bank_holidays(calendar_year).items()
            if day in year
        )
        years.append({"year": year, "dates": dates, "bank_holidays": holidays_in_term})
    context = {"organisation": organisation, "local_authority": local_authority, "years": years}
    return render(request, "calendars/term_dates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def term_dates_edit(request: AuthenticatedHttpRequest, slug: str, year: str) -> HttpResponse:
    """Set one academic year's term dates (GOV.UK date inputs), starting from those in force."""
    organisation = _organisation(request, slug)
    try:
        academic_year = AcademicYear.parse(year)
    except ValueError:
        raise Http404("No such academic year.") from None
    local_authority = organisation_local_authority(organisation)
    current = calendar_for(local_authority).year_dates(academic_year)
    if request.method == "POST":
        form = TermDatesForm(request.POST, academic_year=academic_year.label)
        if form.is_valid() and local_authority:
            saved = run_service(
                form,
                lambda: services.term_dates_save(
                    actor=request.user,
                    organisation=organisation,
                    year=academic_year,
                    dates=form.cleaned_data,
                ),
            )
            if saved is not None:
                messages.success(
                    request,
                    f"The term dates of {local_authority} for {academic_year.label} are saved.",
                )
                return redirect("calendars:term_dates", organisation.slug)
    else:
        form = TermDatesForm(initial=current.as_fields(), academic_year=academic_year.label)
    context = {
        "organisation": organisation,
        "local_authority": local_authority,
        "year": academic_year,
        "custom": current.custom,
        "form": form,
    }
    return render(request, "calendars/term_dates_edit.html", context)


# --- The private feed ----------------------------------------------------------------------------


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar: no sign-in, the secret address is the key (404 for any other)."""
    owner = services.calendar_feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(user=owner).update(last_used_at=timezone.now())
    return ics_response(feed_calendar(owner), "syslead.ics", attachment=False)


@login_required
@require_POST
def feed_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a new calendar address (the old one stops working); it is shown this once."""
    token = services.calendar_feed_reset(actor=request.user)
    address = request.build_absolute_uri(reverse("calendars:feed", args=[token]))
    return render(request, "calendars/feed_address.html", {"form": CalendarAddressForm(address)})
