"""How shortlists are scored, and the organisation's own weights (issue 4: "a score from weighted
factors ... whose weights an organisation can set"): every factor in plain words with its weight;
a coordinator of the organisation changes them, and the change goes on the organisation's
timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from syslead.brokering import services
from syslead.brokering.engine import Weights
from syslead.brokering.forms import MATCHING_FACTORS, MatchingWeightsForm
from syslead.brokering.selectors import can_coordinate_organisation
from syslead.core.events import events_for
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service

from .common import (
    broker_organisations,
    chosen_organisation,
    organisation_filter,
)

#: How many past changes of the weights the page lists.
CHANGES_SHOWN = 10
WEIGHTS_CHANGED = "brokering.weights_changed"


def weights_url(organisation_id: int) -> str:
    return f"{reverse('brokering:weights')}?organisation={organisation_id}"


@login_required
@require_http_methods(["GET", "POST"])
def matching_weights(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The factors of the match score and the organisation's weights (coordinators and broker
    leads read them); its coordinators change them."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads see how shortlists are scored."
    )
    may_change = can_coordinate_organisation(request.user, organisation.pk)
    weights = Weights.for_organisation(organisation.pk)
    current = {factor.name: getattr(weights, factor.name) for factor in MATCHING_FACTORS}
    form = MatchingWeightsForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(f"Only a coordinator of {organisation.name} sets its weights.")
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.matching_weights_set(
                    actor=request.user, organisation=organisation, weights=form.weights()
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    "The weights have been saved: suggested shortlists and batch allocations "
                    "score leaders with them from now on.",
                )
                return redirect(weights_url(organisation.pk))
    total = weights.total or 1
    return render(
        request,
        "brokering/matching_weights.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": organisation_filter(request, organisations),
            "form": form,
            "may_change": may_change,
            "rows": [
                (factor, current[factor.name], round(current[factor.name] * 100 / total, 1))
                for factor in MATCHING_FACTORS
            ],
            "total": total,
            "changes": list(
                events_for(organisation)
                .filter(verb=WEIGHTS_CHANGED)
                .order_by("-created_at", "-id")[:CHANGES_SHOWN]
            ),
        },
    )
