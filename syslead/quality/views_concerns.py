"""Concern pages (docs/rules.md, "Concerns about or from a leader"): raise one from an agreement
or with the broker, list them, and read and act on one. Each calls ``quality.concerns``, which
decides who may act; who may see is ``quality.access``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import broker_organisation_ids
from syslead.core.events import events_for
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.leaders.models import Association, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.quality import concerns
from syslead.quality.access import (
    leader_concern_for_user,
    leader_concerns_visible_to,
    may_act_on_leader_concern,
    may_read_quality,
    reads_whole_leader_concern,
)
from syslead.quality.forms import (
    ConcernAboutLeaderForm,
    ConcernActionForm,
    ConcernFilterForm,
    ConcernForm,
    ConcernQaLinkForm,
    ConcernReviewForm,
)
from syslead.quality.models import LeaderConcern, LeaderConcernStatus
from syslead.visits.access import deployment_records_for_user
from syslead.visits.services import named_person_for

#: The most concerns the list shows at once.
LIST_LENGTH = 200


@login_required
@require_http_methods(["GET", "POST"])
def concern_raise(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Raise a concern from an agreement: about its leader's work, or the leader's own."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: concerns.concern_raise(
                actor=request.user, deployment=deployment, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"The concern is logged: {done.organisation.name} is told.")
            return redirect("quality:concern", done.pk)
    context = {
        "form": form,
        "deployment": deployment,
        "organisation": deployment.organisation,
        "by_the_leader": roles.leader,
        "named_person": named_person_for(deployment.organisation_id),
    }
    return render(request, "quality/concern_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_raise_for(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """Raise a concern with the broker, not from an agreement: its coordinators and leads about
    one of its leaders; one of its leaders, their own."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    data = request.POST if request.method == "POST" else None
    form: ConcernForm
    if may_read_quality(request.user, organisation.pk):
        leaders = concerns.leaders_to_raise_about(request.user, organisation)
        form = ConcernAboutLeaderForm(data, leaders=[(le.pk, le.name) for le in leaders])
        by_the_leader = False
    elif concerns.may_raise_as_leader(request.user, organisation) is not None:
        form = ConcernForm(data)
        by_the_leader = True
    else:
        raise PermissionDenied(
            "Only the broker's coordinators and leads, and its leaders, raise a concern here."
        )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        chosen = fields.pop("leader", None)
        leader = leaders.filter(pk=chosen).first() if chosen is not None else None
        done = run_service(
            form,
            lambda: concerns.concern_raise(
                actor=request.user, organisation=organisation, leader=leader, **fields
            ),
        )
        if done is not None:
            messages.success(request, f"The concern is logged: {organisation.name} is told.")
            return redirect("quality:concern", done.pk)
    context = {
        "form": form,
        "deployment": None,
        "organisation": organisation,
        "by_the_leader": by_the_leader,
        "named_person": named_person_for(organisation.pk),
    }
    return render(request, "quality/concern_form.html", context)


def _filtered(user: Any, status: str) -> QuerySet[LeaderConcern]:
    rows = leader_concerns_visible_to(user)
    if status == "":
        return rows.exclude(status=LeaderConcernStatus.CLOSED)
    if status == "all":
        return rows
    return rows.filter(status=status)


@login_required
def concern_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The concerns the person may open: the broker's, and their own."""
    filters = ConcernFilterForm(request.GET)
    status = filters.chosen("status")
    rows = list(_filtered(request.user, status)[:LIST_LENGTH])
    brokers = {
        pk for pk in {row.organisation_id for row in rows} if may_read_quality(request.user, pk)
    }
    profile = getattr(request.user, "leader_profile", None)
    raise_with = Organisation.objects.filter(
        Q(pk__in=broker_organisation_ids(request.user))
        | Q(
            pk__in=Association.objects.filter(leader=profile, is_live=True).values(
                "organisation_id"
            )
            if isinstance(profile, LeaderProfile)
            else []
        )
    ).order_by("name")
    context = {
        "rows": [{"concern": row, "broker": row.organisation_id in brokers} for row in rows],
        "filters": filters,
        "raise_with": list(raise_with),
    }
    return render(request, "quality/concerns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request: AuthenticatedHttpRequest, leader_concern_id: int) -> HttpResponse:
    item = leader_concern_for_user(request.user, leader_concern_id)
    may_act = may_act_on_leader_concern(request.user, item)
    do = request.POST.get("do") if request.method == "POST" else None
    action_form = ConcernActionForm(request.POST if do == "action" else None)
    qa_form = ConcernQaLinkForm(
        request.POST if do == "link_qa" else None,
        checks=[
            (c.pk, f"{c.sample.term_label}: {c.what}, {c.deployment.client_school.name}")
            for c in concerns.linkable_qa_checks(item)
        ]
        if may_act
        else [],
    )
    targets = concerns.review_targets(item) if may_act else []
    review_form = ConcernReviewForm(request.POST if do == "review" else None, targets=targets)
    share_form = RefusalForm()  # carries a refusal of sharing to the error summary
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied("Only a coordinator of the broker acts on a concern.")
        done: Any = None
        if do == "action" and action_form.is_valid():
            data = action_form.cleaned_data
            done = run_service(
                action_form,
                lambda: concerns.concern_record_action(
                    actor=request.user, concern=item, text=data["text"], status=data["status"]
                ),
            )
        elif do == "share":
            done = run_service(
                share_form,
                lambda: concerns.concern_share_with_leader(actor=request.user, concern=item),
            )
        elif do == "link_qa" and qa_form.is_valid():
            check = concerns.linkable_qa_checks(item).filter(pk=qa_form.cleaned_data["qa_check"])
            done = run_service(
                qa_form,
                lambda: concerns.concern_link_qa_check(
                    actor=request.user, concern=item, check=check.get()
                ),
            )
        elif do == "review" and review_form.is_valid():
            data = review_form.cleaned_data
            done = run_service(
                review_form,
                lambda: concerns.concern_start_review(
                    actor=request.user,
                    concern=item,
                    target=data["target"],
                    reason=data["reason"],
                ),
            )
        if done is not None:
            messages.success(request, "The concern is updated.")
            return redirect("quality:concern", item.pk)
    whole = reads_whole_leader_concern(request.user, item)
    broker = may_read_quality(request.user, item.organisation_id)
    context = {
        "concern": item,
        "may_act": may_act and not item.is_closed,
        "whole": whole,
        "broker": broker,
        "actions": list(item.actions.select_related("recorded_by")) if whole else [],
        "events": list(events_for(item)) if broker else [],
        "action_form": action_form,
        "share_form": share_form,
        "qa_form": qa_form,
        "review_form": review_form,
        "has_qa_checks": bool(qa_form.fields["qa_check"].choices[1:]),  # type: ignore[attr-defined]
        "untouched_days": concerns.school_days_untouched(item) if broker else None,
        "untouched_limit": concerns.UNTOUCHED_SCHOOL_DAYS,
    }
    return render(request, "quality/concern_detail.html", context)
