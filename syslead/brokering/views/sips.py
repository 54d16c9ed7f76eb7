"""The schools' named SIPs of a local authority (docs/rules.md, "The school's named SIP"): its
coordinators (and administrators) see who is named for which school, name a SIP for a school of
the authority's area (the school field suggests only those) and end a naming. The rules are in
``syslead.schools.sips``; this page only calls them. Anyone else signed in gets 403 for a known
organisation (organisations are public), 404 for an unknown one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from syslead.brokering.forms import NamedSipForm
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.organisations.models import Organisation
from syslead.schools import sips
from syslead.schools.models import NamedSip


def _organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    try:
        return sips.organisation_for_named_sips(request.user, slug)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


@login_required
@require_GET
def named_sips_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The local authorities whose schools' SIPs the person names (straight there for one)."""
    organisations = list(sips.named_sips_organisations_for(request.user))
    if not organisations:
        raise PermissionDenied(
            "Only a local authority's coordinators name its schools' improvement partners."
        )
    if len(organisations) == 1:
        return redirect("brokering:named_sips", organisations[0].slug)
    return render(request, "brokering/named_sips_index.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def named_sips(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Who is each school's SIP now, the namings that ended, and the form to name one."""
    organisation = _organisation(request, slug)
    candidates = sips.sips_of(organisation)
    form = NamedSipForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        sips=candidates,
    )
    if request.method == "POST" and form.is_valid():
        school = form.found_school
        assert school is not None
        named = run_service(
            form,
            lambda: sips.name_sip(
                actor=request.user,
                organisation=organisation,
                school=school,
                sip=form.cleaned_data["sip"],
                starts_on=form.cleaned_data["starts_on"],
            ),
        )
        if named is not None:
            messages.success(request, f"{named.sip} is now the SIP of {school.name}.")
            return redirect("brokering:named_sips", organisation.slug)
    context = {
        "organisation": organisation,
        "current": list(sips.current_named_sips(organisation)),
        "history": list(sips.named_sip_history(organisation)),
        "has_sips": candidates.exists(),
        "form": form,
    }
    return render(request, "brokering/named_sips.html", context)


@login_required
@require_POST
def named_sip_end(request: AuthenticatedHttpRequest, slug: str, named_id: int) -> HttpResponse:
    """End a current naming today (the school then has no named SIP)."""
    organisation = _organisation(request, slug)
    named = NamedSip.objects.filter(pk=named_id, organisation=organisation).first()
    if named is None:
        raise Http404("No such naming.")
    refusal = RefusalForm()
    ended = run_service(refusal, lambda: sips.end_named_sip(actor=request.user, named=named))
    if ended is None:
        for error in refusal.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, f"{ended.sip} is no longer the SIP of {ended.school.name}.")
    return redirect("brokering:named_sips", organisation.slug)
