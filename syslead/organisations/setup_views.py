"""An administrator sets up a broker by picking it from the shipped lists (teaching school hubs
2025, teaching school alliances 2018, local authorities of the register), then confirms its
name, lead school and area (docs/going-live.md). Administrators only: 403 to everyone else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import is_administrator
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.organisations.forms import BrokerListSearchForm, SetUpBrokerForm
from syslead.organisations.models import KnownBroker
from syslead.organisations.services import organisation_set_up_from_list

#: The pick page shows at most this many entries: narrow the search for the rest.
SHOWN = 50


def _require_administrator(request: AuthenticatedHttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied("Only administrators set up organisations.")


@login_required
@require_http_methods(["GET"])
def broker_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lists, searched by name or area and filtered by list; each entry links to its set-up
    page, or to the organisation already set up from it."""
    _require_administrator(request)
    form = BrokerListSearchForm(request.GET or None)
    entries = KnownBroker.objects.select_related("organisation")
    if form.is_valid():
        q, source = form.cleaned_data["q"].strip(), form.cleaned_data["source"]
        if q:
            entries = entries.filter(Q(name__icontains=q) | Q(area__icontains=q))
        if source:
            entries = entries.filter(source=source)
    total = entries.count()
    context = {"form": form, "entries": list(entries[:SHOWN]), "total": total, "shown": SHOWN}
    return render(request, "organisations/broker_pick.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def broker_set_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm the picked entry's name, lead school (by URN) and area, and set it up."""
    _require_administrator(request)
    raw = str(request.GET.get("entry") or "")
    if not raw:
        return redirect("brokers:pick")
    if not raw.isdigit() or len(raw) > 10:
        raise Http404("No such entry in the lists.")
    entry = KnownBroker.objects.select_related("organisation").filter(pk=int(raw)).first()
    if entry is None:
        raise Http404("No such entry in the lists.")
    initial = {"name": entry.name, "lead_school_urn": entry.lead_urn, "area": entry.area}
    form = SetUpBrokerForm(
        request.POST if request.method == "POST" else None, initial=initial, entry=entry
    )
    if request.method == "POST" and form.is_valid():
        organisation = run_service(
            form,
            lambda: organisation_set_up_from_list(
                actor=request.user,
                entry=entry,
                name=form.cleaned_data["name"],
                lead_school_urn=form.cleaned_data["lead_school_urn"],
                area=form.cleaned_data["area"],
            ),
        )
        if organisation is not None:
            messages.success(request, f"{organisation.name} is set up.")
            return redirect("organisations:public", organisation.slug)
    existing = getattr(entry, "organisation", None) if entry.pk else None
    context = {"form": form, "entry": entry, "existing": existing}
    return render(request, "organisations/broker_set_up.html", context)
