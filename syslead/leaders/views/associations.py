"""Association of a leader with a broker: associating, ending with written notice, and reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.capacity.ledger import committed_agreements
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import whole_number
from syslead.core.service_calls import run_service
from syslead.leaders.forms import (
    AssociateForm,
    AssociationEndForm,
    AssociationReviewCloseForm,
    AssociationReviewForm,
)
from syslead.leaders.models import Association, AssociationReview, AssociationReviewOutcome
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.selectors import association_for_user, leader_for_user
from syslead.leaders.services import (
    association_create,
    association_end,
    association_review_close,
    association_review_open,
)
from syslead.leaders.services.listings import directory_listing_set
from syslead.leaders.views.common import (
    coordinated_organisations,
    refuse_shared_leader,
    require_coordinator,
)


@login_required
@require_http_methods(["GET", "POST"])
def associate(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader = leader_for_user(request.user, leader_id)
    require_coordinator(request.user)
    refuse_shared_leader(request.user, leader)
    form = AssociateForm(
        request.POST if request.method == "POST" else None,
        initial={"starts_on": timezone.localdate()},
        organisations=coordinated_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        association = run_service(
            form,
            lambda: association_create(
                actor=request.user,
                leader=leader,
                organisation=form.cleaned_data["organisation"],
                starts_on=form.cleaned_data["starts_on"],
            ),
        )
        if association is not None:
            messages.success(
                request, f"{leader.name} is now associated with {association.organisation.name}."
            )
            return redirect("leaders:detail", leader.pk)
    return render(request, "leaders/associate.html", {"form": form, "leader": leader})


def _association_to_act_on(request: AuthenticatedHttpRequest, association_id: int) -> Association:
    association = association_for_user(request.user, association_id)
    if not may_coordinate(request.user, association.organisation_id):
        raise PermissionDenied(f"Only coordinators of {association.organisation.name} may do that.")
    return association


@login_required
@require_http_methods(["GET", "POST"])
def association_end_view(request: AuthenticatedHttpRequest, association_id: int) -> HttpResponse:
    association = _association_to_act_on(request, association_id)
    if not association.is_live:
        messages.info(request, "That association has already ended.")
        return redirect("leaders:detail", association.leader_id)
    today = timezone.localdate()
    form = AssociationEndForm(
        request.POST if request.method == "POST" else None,
        initial={"notice_given_on": today, "ends_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ended = run_service(
            form,
            lambda: association_end(
                actor=request.user,
                association=association,
                ends_on=data["ends_on"],
                reason=data["reason"],
                notice_given_on=data["notice_given_on"],
            ),
        )
        if ended is not None:
            messages.success(
                request,
                f"The association with {association.organisation.name} has ended. Agreements "
                "already made continue until they are completed.",
            )
            return redirect("leaders:detail", association.leader_id)
    agreements = committed_agreements(association.leader_id, association.organisation_id)
    return render(
        request,
        "leaders/association_end.html",
        {"form": form, "association": association, "agreements": agreements},
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_review(request: AuthenticatedHttpRequest, association_id: int) -> HttpResponse:
    association = _association_to_act_on(request, association_id)
    open_review = association.reviews.filter(outcome=AssociationReviewOutcome.OPEN).first()
    if open_review is not None:
        return redirect("leaders:association_review_close", open_review.pk)
    form = AssociationReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        review = run_service(
            form,
            lambda: association_review_open(
                actor=request.user,
                association=association,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            ),
        )
        if review is not None:
            messages.success(request, "The review of the association is open.")
            return redirect("leaders:detail", association.leader_id)
    return render(
        request, "leaders/association_review.html", {"form": form, "association": association}
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_review_close_view(
    request: AuthenticatedHttpRequest, review_id: int
) -> HttpResponse:
    review = AssociationReview.objects.filter(pk=review_id).only("association_id").first()
    if review is None:
        raise Http404("No such review.")
    association = _association_to_act_on(request, review.association_id)
    review = AssociationReview.objects.select_related("opened_by").get(pk=review_id)
    form = AssociationReviewCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        closed = run_service(
            form,
            lambda: association_review_close(
                actor=request.user,
                review=review,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            ),
        )
        if closed is not None:
            messages.success(request, f"Review closed: {closed.get_outcome_display().lower()}.")
            return redirect("leaders:detail", association.leader_id)
    return render(
        request,
        "leaders/association_review_close.html",
        {"form": form, "association": association, "review": review},
    )


@login_required
@require_POST
def directory_listing(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """List a leader who has no broker in one of the coordinator's organisations' public
    directories, or stop (docs/rules.md, "Association"). 404 for a leader the person cannot see,
    or an organisation they do not coordinate; the service refuses the rest."""
    leader = leader_for_user(request.user, leader_id)
    organisations = {o.pk: o for o in coordinated_organisations(request.user)}
    wanted = whole_number(request.POST.get("organisation"))
    if not organisations:
        raise PermissionDenied("Only coordinators list leaders in their public directory.")
    organisation = organisations.get(wanted) if wanted is not None else None
    if organisation is None:
        raise Http404("No such organisation.")
    listed = request.POST.get("listed") != "no"
    try:
        directory_listing_set(
            actor=request.user, leader=leader, organisation=organisation, listed=listed
        )
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    else:
        messages.success(
            request,
            f"{leader.name} is listed in {organisation.name}'s public directory."
            if listed
            else f"{leader.name} is no longer listed in {organisation.name}'s public directory.",
        )
    return redirect(reverse("leaders:detail", args=[leader.pk]) + "#public-directories")
