"""Release days and the release policy: the home school's headteacher agrees the days each year
(with the chair of governors), a coordinator may record them, and an organisation sets its cap and
its LLE minimum."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import (
    broker_organisation_ids,
    headteacher_school_urns,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.capacity.days import days_words
from syslead.capacity.ledger import Capacity, capacities_for, capacity_totals
from syslead.core.academic_years import AcademicYear
from syslead.core.filters import OrganisationFilterForm
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.constants import DEFAULT_MAX_RELEASE_DAYS, DEFAULT_MIN_LLE_DAYS
from syslead.leaders.forms import CapacityPolicyForm, HeadteacherReleaseForm, ReleaseForm
from syslead.leaders.models import Association, CapacityPolicy, LeaderProfile, ReleaseAgreement
from syslead.leaders.permissions import may_set_release
from syslead.leaders.release_policy import release_policy
from syslead.leaders.selectors import leader_flags, leader_for_user, leader_with_related
from syslead.leaders.services import capacity_policy_set, release_set
from syslead.leaders.views.common import CapacityBar, coordinated_organisations
from syslead.organisations.models import Organisation

#: Leaders per page of the capacity chart (a coordinator's whole list fits on one or two).
CAPACITY_ROWS_PER_PAGE = 50


def _release_years() -> list[AcademicYear]:
    """The years a release is agreed for: this one and the next."""
    current = AcademicYear.current()
    return [current, current.next()]


def _release_initial(release: ReleaseAgreement | None, year: str) -> dict[str, Any]:
    if release is None:
        return {"academic_year": year, "agreed_on": timezone.localdate()}
    return {
        "academic_year": year,
        "days": release.days,
        "agreed_on": release.agreed_on,
        "chair_consent_name": release.chair_consent_name,
        "chair_consent_on": release.chair_consent_on,
    }


def _save_release(
    request: AuthenticatedHttpRequest, form: ReleaseForm, leader: LeaderProfile
) -> ReleaseAgreement | None:
    """Call ``release_set`` with the form; a refusal (above the cap, below the committed days)
    goes on the days field, a flag (below the LLE minimum) into the page's messages."""
    data = form.cleaned_data
    release = run_service(
        form,
        lambda: release_set(
            actor=request.user,
            leader=leader,
            academic_year=data["academic_year"],
            days=data["days"],
            agreed_on=data["agreed_on"],
            chair_consent_name=data["chair_consent_name"],
            chair_consent_on=data["chair_consent_on"],
        ),
        rule_field="days",
    )
    if release is not None:
        messages.success(
            request,
            f"{leader.name} is released for {days_words(release.days)} in {release.academic_year}.",
        )
        if release.below_minimum:
            messages.warning(
                request,
                f"Flagged: {days_words(release.days)} is below the minimum an associated LLE is "
                f"available for ({days_words(release_policy(leader).min_lle_days)} a year).",
            )
    return release


@login_required
@require_http_methods(["GET", "POST"])
def headteacher_release(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home school's headteacher: their staff who are system leaders, a form per leader and
    year."""
    urns = headteacher_school_urns(request.user)
    if not urns:
        raise PermissionDenied("Only the headteacher of a leader's home school agrees release.")
    leaders = list(
        LeaderProfile.objects.filter(home_school_id__in=urns)
        .select_related("user", "home_school")
        .order_by("user__name")
    )
    years = _release_years()
    releases = {
        (r.leader_id, r.academic_year): r
        for r in ReleaseAgreement.objects.filter(
            leader__in=leaders, academic_year__in=[y.label for y in years]
        ).select_related("headteacher_consent_by")
    }
    capacities = {y.label: capacities_for(leaders, y) for y in years}
    submitted = request.POST.get("form_id", "") if request.method == "POST" else ""
    rows = []
    for leader in leaders:
        policy = release_policy(leader)
        entries = []
        for year in years:
            prefix = f"r{leader.pk}-{year.label}"
            bound = submitted == prefix
            form = HeadteacherReleaseForm(
                request.POST if bound else None,
                prefix=prefix,
                years=[year.label],
                initial=_release_initial(releases.get((leader.pk, year.label)), year.label),
            )
            form.fields["academic_year"].widget = form.fields["academic_year"].hidden_widget()
            if bound and form.is_valid() and _save_release(request, form, leader) is not None:
                return redirect("leaders:release")
            entries.append(
                {
                    "year": year,
                    "form": form,
                    "prefix": prefix,
                    "release": releases.get((leader.pk, year.label)),
                    "bar": CapacityBar(capacities[year.label][leader.pk]),
                }
            )
        rows.append({"leader": leader, "policy": policy, "entries": entries})
    return render(request, "leaders/release.html", {"rows": rows, "years": years})


@login_required
@require_http_methods(["GET", "POST"])
def leader_release(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """A coordinator (or the home headteacher) records the days released from the leader page."""
    leader = leader_for_user(request.user, leader_id)
    if not may_set_release(request.user, leader):
        raise PermissionDenied("You may not set this leader's release days.")
    years = _release_years()
    chosen = request.GET.get("year") or years[0].label
    existing = ReleaseAgreement.objects.filter(leader=leader, academic_year=chosen).first()
    form = ReleaseForm(
        request.POST if request.method == "POST" else None,
        years=[y.label for y in years],
        initial=_release_initial(existing, chosen),
    )
    if request.method == "POST" and form.is_valid() and _save_release(request, form, leader):
        return redirect("leaders:detail", leader.pk)
    full = leader_with_related(leader.pk)
    return render(
        request,
        "leaders/leader_release.html",
        {
            "form": form,
            "leader": leader,
            "policy": release_policy(leader),
            "flags": leader_flags(full, years[0]),
        },
    )


def _policy_organisations(user: User) -> list[Organisation]:
    if is_administrator(user):
        return list(Organisation.objects.order_by("name"))
    return list(Organisation.objects.filter(pk__in=broker_organisation_ids(user)))


@login_required
def policy_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _policy_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Only coordinators and broker leads set a release policy.")
    if len(organisations) == 1:
        return redirect("leaders:policy", organisations[0].pk)
    policies = {
        p.organisation_id: p for p in CapacityPolicy.objects.filter(organisation__in=organisations)
    }
    return render(
        request,
        "leaders/policy_index.html",
        {
            "rows": [(o, policies.get(o.pk)) for o in organisations],
            "default_max": DEFAULT_MAX_RELEASE_DAYS,
            "default_min": DEFAULT_MIN_LLE_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = next(
        (o for o in _policy_organisations(request.user) if o.pk == organisation_id), None
    )
    if organisation is None:
        raise PermissionDenied("Only its coordinators and broker leads set its release policy.")
    policy = CapacityPolicy.objects.filter(organisation=organisation).first()
    form = CapacityPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "max_release_days": policy.max_release_days if policy else DEFAULT_MAX_RELEASE_DAYS,
            "min_lle_days": policy.min_lle_days if policy else DEFAULT_MIN_LLE_DAYS,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: capacity_policy_set(
                actor=request.user,
                organisation=organisation,
                max_release_days=form.cleaned_data["max_release_days"],
                min_lle_days=form.cleaned_data["min_lle_days"],
            ),
        )
        if saved is not None:
            messages.success(request, f"{organisation.name}'s release policy has been saved.")
            return redirect("leaders:policy", organisation.pk)
    return render(
        request,
        "leaders/policy.html",
        {"form": form, "organisation": organisation, "policy": policy},
    )


@login_required
def capacity_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every associated leader's capacity this year as a bar (released, committed, delivered),
    for a coordinator's organisation: the chart the home page summarises (docs/ux.md)."""
    organisations = coordinated_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Only coordinators see their leaders' capacity.")
    form = OrganisationFilterForm(request.GET, organisations=organisations)
    organisation = form.organisation_chosen()
    year = AcademicYear.current()
    leaders = LeaderProfile.objects.filter(
        pk__in=Association.objects.filter(organisation=organisation, is_live=True).values(
            "leader_id"
        )
    ).select_related("user")
    page = Paginator(leaders.order_by("user__name", "pk"), CAPACITY_ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    capacities = capacities_for(list(page.object_list), year)
    return render(
        request,
        "leaders/capacity.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": form,
            "year": year,
            "page": page,
            "rows": [
                (leader, CapacityBar(capacities.get(leader.pk, Capacity(year.label))))
                for leader in page.object_list
            ],
            "summary": {
                "totals": capacity_totals(
                    page.paginator.count, capacities_for(leaders, year).values()
                )
            },
        },
    )
