"""Sharing leaders between brokers (docs/rules.md, Association: "One broker may use a leader
associated with another only with that broker's agreement"): the request's coordinator asks for a
leader of another organisation, or that organisation's coordinator offers one; the leader's own
organisation agrees on its commissions page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.brokering import services
from syslead.brokering.access import commission_for_user, support_request_for_user
from syslead.brokering.forms import CommissionDecisionForm, CommissionForm
from syslead.brokering.transitions import COMMISSION_TRANSITIONS, REQUEST_TRANSITIONS
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import (
    ShareableLeader,
    commissions_involving,
    commissions_to_decide,
    offerable_leaders,
    request_access,
    shareable_leaders,
)
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.models import LeaderProfile


def _leader_choice(leader: ShareableLeader) -> str:
    parts = [f"{leader.name} ({leader.organisations})" if leader.organisations else leader.name]
    parts.append(f"score {leader.score}")
    if leader.distance_km is not None:
        parts.append(f"{leader.distance_km} km away")
    return ", ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def commission_new(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Ask another organisation to share one of its leaders for this request (its coordinator),
    or offer one of your own organisation's leaders to it (a coordinator of another organisation
    who can see the request)."""
    support_request = support_request_for_user(request.user, request_id)
    access = request_access(request.user, support_request)
    if not REQUEST_TRANSITIONS.in_source("ask_to_share", support_request):
        raise PermissionDenied("A leader has been found for this request already.")
    if access.broker:
        leaders = shareable_leaders(support_request)
        asking = True
    elif access.sharing_organisation_ids:
        leaders = offerable_leaders(support_request, access.sharing_organisation_ids)
        asking = False
    else:
        raise PermissionDenied("Only coordinators share leaders between organisations.")
    form = CommissionForm(
        request.POST if request.method == "POST" else None,
        choices=[(str(leader.leader_id), _leader_choice(leader)) for leader in leaders],
    )
    if request.method == "POST" and form.is_valid():
        leader = LeaderProfile.objects.select_related("user").get(
            pk=int(form.cleaned_data["leader"])
        )
        done = run_service(
            form,
            lambda: services.commission_offer(
                actor=request.user,
                request=support_request,
                leader=leader,
                note=form.cleaned_data["note"],
            ),
            rule_field="leader",
        )
        if done is not None:
            messages.success(
                request,
                f"{leader.user.get_full_name()} has been proposed: {done.owning_organisation.name} "
                "decides whether to share them.",
            )
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#sharing")
    return render(
        request,
        "brokering/commission_new.html",
        {
            "item": support_request,
            "form": form,
            "asking": asking,
            "has_leaders": bool(leaders),
            "labels": specialism_labels(support_request.organisation_id),
        },
    )


@login_required
def commission_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests of other organisations asking for one of your leaders, to decide; and every
    commission your organisations asked for or were asked."""
    if not (is_administrator(request.user) or coordinated_organisation_ids(request.user)):
        raise PermissionDenied("Only coordinators share leaders between organisations.")
    return render(
        request,
        "brokering/commission_list.html",
        {
            "to_decide": commissions_to_decide(request.user),
            "involving": commissions_involving(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission_decide(request: AuthenticatedHttpRequest, commission_id: int) -> HttpResponse:
    """The leader's own organisation agrees to share the leader, or refuses with a note."""
    commission = commission_for_user(request.user, commission_id)
    coordinated = coordinated_organisation_ids(request.user)
    administrator = is_administrator(request.user)
    if not (
        administrator
        or commission.owning_organisation_id in coordinated
        or commission.support_request.organisation_id in coordinated
    ):
        raise PermissionDenied("Only the coordinators of the two organisations see this.")
    may_decide = bool(COMMISSION_TRANSITIONS.allowed(request.user, commission))
    form = CommissionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(
                f"Only a coordinator of {commission.owning_organisation.name} decides this."
            )
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            done = run_service(
                form,
                lambda: services.commission_decide(
                    actor=request.user,
                    commission=commission,
                    approve=approve,
                    note=form.cleaned_data["note"],
                ),
                rule_field="decision",
            )
            if done is not None:
                messages.success(
                    request,
                    f"You agreed to share {commission.leader.user.get_full_name()}."
                    if approve
                    else f"You refused to share {commission.leader.user.get_full_name()}.",
                )
                return redirect("brokering:commissions")
    item = commission.support_request
    return render(
        request,
        "brokering/commission_decide.html",
        {
            "commission": commission,
            "item": item,
            "form": form,
            "may_decide": may_decide,
            "labels": specialism_labels(item.organisation_id),
        },
    )
