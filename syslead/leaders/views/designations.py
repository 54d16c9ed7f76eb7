"""Designation: the types (built in and an organisation's own), application rounds and their
applications through the stages, designating directly, review and revocation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.eligibility import eligibility_check, latest_ofsted
from syslead.leaders.forms import (
    ApplicationForm,
    DesignateForm,
    DesignationReviewCloseForm,
    DesignationTypeForm,
    RevokeForm,
    RoundForm,
    StageForm,
)
from syslead.leaders.models import (
    ApplicationDecision,
    ApplicationStage,
    DesignationApplication,
    DesignationRound,
    LeaderProfile,
)
from syslead.leaders.permissions import may_coordinate, may_manage_leader
from syslead.leaders.selectors import (
    application_for_user,
    designation_for_user,
    designation_types_for,
    leader_for_user,
    round_for_user,
    rounds_visible_to,
)
from syslead.leaders.services import (
    application_advance,
    application_eligibility,
    application_submit,
    designation_create,
    designation_review_close,
    designation_review_open,
    designation_revoke,
    designation_type_create,
    round_create,
)
from syslead.leaders.transitions import (
    APPLICATION_TRANSITIONS,
    DESIGNATION_TRANSITIONS,
    may_act_on_designation,
)
from syslead.leaders.views.common import (
    coordinated_organisations,
    refuse_shared_leader,
    require_coordinator,
    require_reader,
)
from syslead.schools.models import OfstedRating

STAGE_ORDER = list(ApplicationStage)
STAGE_VERBS = {
    ApplicationStage.SHORTLISTED: "Shortlist",
    ApplicationStage.INTERVIEWED: "Record interview",
    ApplicationStage.RECOMMENDED: "Recommend",
    ApplicationStage.DESIGNATED: "Designate",
    ApplicationStage.REJECTED: "Reject",
    ApplicationStage.WITHDRAWN: "Withdraw",
}


def _rating_label(rating: str) -> str:
    try:
        return str(OfstedRating(rating).label)
    except ValueError:
        return rating or "No grade on the register"


# Designation types ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def designation_types(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    organisations = coordinated_organisations(request.user)
    form = DesignationTypeForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: designation_type_create(
                actor=request.user,
                organisation=data["organisation"],
                code=data["code"],
                name=data["name"],
                criteria=data["criteria"],
                min_years_experience=data["min_years_experience"],
                requires_headteacher=data["requires_headteacher"],
                excludes_headteacher=data["excludes_headteacher"],
                requires_good_or_outstanding_school=data["requires_good_or_outstanding_school"],
                is_exclusive=data["is_exclusive"],
                requires_annual_training=data["requires_annual_training"],
            ),
        )
        if created is not None:
            messages.success(request, f"The designation type {created.code} has been added.")
            return redirect("leaders:designation_types")
    types = designation_types_for(o.pk for o in organisations).select_related("organisation")
    return render(request, "leaders/designation_types.html", {"form": form, "types": types})


# Rounds -------------------------------------------------------------------------------------------


@login_required
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_reader(request.user)
    found = (
        rounds_visible_to(request.user)
        .select_related("organisation", "designation_type")
        .annotate(
            applications_count=Count("applications", distinct=True),
        )
        .order_by("-opens_on", "title")
    )
    today = timezone.localdate()
    return render(
        request,
        "leaders/rounds.html",
        {
            "rounds": found,
            "today": today,
            "may_create": bool(
                is_administrator(request.user) or coordinated_organisation_ids(request.user)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    organisations = coordinated_organisations(request.user)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        designation_types=list(designation_types_for(o.pk for o in organisations)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: round_create(
                actor=request.user,
                organisation=data["organisation"],
                designation_type_code=data["designation_type"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                target=data["target"],
                priorities=data["priorities"],
            ),
        )
        if created is not None:
            messages.success(request, f"{created.title} has been created.")
            return redirect("leaders:round", created.pk)
    return render(request, "leaders/round_new.html", {"form": form})


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    designation_round = round_for_user(request.user, round_id)
    require_reader(request.user)
    applications = list(
        DesignationApplication.objects.filter(round=designation_round)
        .select_related(
            "leader__user", "leader__home_school", "applicant_school", "round__designation_type"
        )
        .order_by("pk")
    )
    applications.sort(key=lambda a: a.applicant_display_name.casefold())
    by_stage: list[tuple[str, list[tuple[DesignationApplication, list[str]]]]] = []
    for stage in STAGE_ORDER:
        rows = [(a, application_eligibility(a)) for a in applications if a.stage == stage]
        by_stage.append((str(stage.label), rows))
    designated = sum(1 for a in applications if a.stage == ApplicationStage.DESIGNATED)
    today = timezone.localdate()
    return render(
        request,
        "leaders/round.html",
        {
            "round": designation_round,
            "by_stage": by_stage,
            "total": len(applications),
            "designated": designated,
            "is_open": designation_round.opens_on <= today <= designation_round.closes_on,
        },
    )


# Applications -------------------------------------------------------------------------------------


def _application_page(
    request: AuthenticatedHttpRequest,
    application: DesignationApplication,
    stage_form: StageForm | None = None,
) -> HttpResponse:
    decides = may_coordinate(request.user, application.round.organisation_id)
    own = application.leader is not None and application.leader.user_id == request.user.pk
    if not (decides or own):
        require_reader(request.user)
    steps = APPLICATION_TRANSITIONS.allowed(request.user, application)
    next_stages = [
        str(row.target) for row in APPLICATION_TRANSITIONS if row.name in steps and row.target
    ]
    decisions = list(
        ApplicationDecision.objects.filter(application=application).select_related("decided_by")
    )
    outcome = next(
        (
            d
            for d in reversed(decisions)
            if d.to_stage in (ApplicationStage.DESIGNATED, ApplicationStage.REJECTED)
        ),
        None,
    )
    return render(
        request,
        "leaders/application.html",
        {
            "application": application,
            "unmet": application_eligibility(application),
            "rating_label": _rating_label(application.home_school_ofsted_rating),
            "decisions": decisions,
            "outcome": outcome,
            "decides": decides,
            "actions": [(s, STAGE_VERBS[ApplicationStage(s)]) for s in next_stages],
            "form": stage_form or StageForm(),
            "today": timezone.localdate(),
        },
        status=200 if stage_form is None or not stage_form.errors else 400,
    )


@login_required
def application_detail(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    return _application_page(request, application_for_user(request.user, application_id))


@login_required
@require_POST
def application_stage(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = application_for_user(request.user, application_id)
    form = StageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        moved = run_service(
            form,
            lambda: application_advance(
                actor=request.user,
                application=application,
                to_stage=data["to_stage"],
                reason=data["reason"],
                feedback=data["feedback"],
                designated_on=data["designated_on"],
                site_url=request.build_absolute_uri("/").rstrip("/"),
            ),
        )
        if moved is not None:
            messages.success(
                request,
                f"{application.applicant_display_name}'s application is now "
                f"{moved.get_stage_display().lower()}.",
            )
            return redirect("leaders:application", application.pk)
    return _application_page(request, application, form)


def _own_leader(request: AuthenticatedHttpRequest) -> LeaderProfile:
    leader = (
        LeaderProfile.objects.filter(user=request.user)
        .select_related("user", "home_school")
        .first()
    )
    if leader is None:
        raise PermissionDenied("Only system leaders with a profile may apply.")
    return leader


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    leader = _own_leader(request)
    today = timezone.localdate()
    designation_round = (
        DesignationRound.objects.filter(pk=round_id, opens_on__lte=today, closes_on__gte=today)
        .select_related("organisation", "designation_type")
        .first()
    )
    if designation_round is None:
        raise Http404("No round with that id is open for applications.")
    rating, inspected_on = latest_ofsted(leader.home_school)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        initial={"years_in_role": leader.years_experience},
    )
    years = leader.years_experience
    if form.is_bound and form.is_valid():
        years = form.cleaned_data["years_in_role"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = run_service(
            form,
            lambda: application_submit(
                actor=request.user,
                round=designation_round,
                leader=leader,
                years_in_role=data["years_in_role"],
                field_of_expertise=data["field_of_expertise"],
                evidence=data["evidence"],
            ),
        )
        if application is not None:
            messages.success(
                request, f"Your application to {designation_round.title} has been sent."
            )
            return redirect("leaders:application", application.pk)
    return render(
        request,
        "leaders/apply.html",
        {
            "form": form,
            "round": designation_round,
            "leader": leader,
            "rating_label": _rating_label(rating),
            "rating": rating,
            "inspected_on": inspected_on,
            "unmet": eligibility_check(designation_round.designation_type, leader, years),
        },
    )


# Designating directly, review and revocation ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def designate(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader = leader_for_user(request.user, leader_id)
    require_coordinator(request.user)
    refuse_shared_leader(request.user, leader)
    organisations = coordinated_organisations(request.user)
    form = DesignateForm(
        request.POST if request.method == "POST" else None,
        initial={"designated_on": timezone.localdate()},
        organisations=organisations,
        designation_types=list(designation_types_for(o.pk for o in organisations)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next((o for o in organisations if str(o.pk) == data["organisation"]), None)
        if organisation is None and not may_manage_leader(request.user, leader):
            raise PermissionDenied("Only a coordinator of the leader's organisation may do that.")
        designation = run_service(
            form,
            lambda: designation_create(
                actor=request.user,
                leader=leader,
                type_code=data["type_code"],
                designated_on=data["designated_on"],
                organisation=organisation,
                review_on=data["review_on"],
            ),
            aliases={"type": "type_code"},
        )
        if designation is not None:
            unmet = eligibility_check(designation.type, leader, leader.years_experience)
            messages.success(request, f"{leader.name} has been designated {designation.type.code}.")
            for problem in unmet:
                messages.warning(request, f"Criteria check: {problem}")
            return redirect("leaders:detail", leader.pk)
    return render(request, "leaders/designate.html", {"form": form, "leader": leader})


def _designation_to_act_on(request: AuthenticatedHttpRequest, designation_id: int) -> Any:
    designation = designation_for_user(request.user, designation_id)
    if not may_act_on_designation(request.user, designation):
        raise PermissionDenied("Only a coordinator of the designating organisation may do that.")
    return designation


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: AuthenticatedHttpRequest, designation_id: int) -> HttpResponse:
    designation = _designation_to_act_on(request, designation_id)
    if not DESIGNATION_TRANSITIONS.in_source("revoke", designation):
        messages.info(request, "That designation has already been revoked.")
        return redirect("leaders:detail", designation.leader_id)
    form = RevokeForm(
        request.POST if request.method == "POST" else None,
        initial={"revoked_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: designation_revoke(
                actor=request.user,
                designation=designation,
                revoked_on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"{designation.leader.name}'s {designation.type.code} designation is revoked.",
            )
            return redirect("leaders:detail", designation.leader_id)
    return render(request, "leaders/revoke.html", {"form": form, "designation": designation})


@login_required
@require_http_methods(["GET", "POST"])
def designation_review(request: AuthenticatedHttpRequest, designation_id: int) -> HttpResponse:
    """Open a review of an active designation, or decide one under review."""
    designation = _designation_to_act_on(request, designation_id)
    closing = DESIGNATION_TRANSITIONS.in_source("continue", designation)
    if not (closing or DESIGNATION_TRANSITIONS.in_source("review", designation)):
        raise Http404("A revoked designation cannot be reviewed.")
    form: Any = (
        DesignationReviewCloseForm(request.POST if request.method == "POST" else None)
        if closing
        else RevokeForm(request.POST if request.method == "POST" else None)
    )
    if not closing:
        form.fields.pop("revoked_on")
        form.fields["reason"].label = "Why is the designation being reviewed?"
        form.fields["reason"].error_messages["required"] = "Say why the designation is reviewed."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if closing:
            done = run_service(
                form,
                lambda: designation_review_close(
                    actor=request.user,
                    designation=designation,
                    outcome=data["outcome"],
                    notes=data["notes"],
                ),
            )
        else:
            done = run_service(
                form,
                lambda: designation_review_open(
                    actor=request.user, designation=designation, reason=data["reason"]
                ),
            )
        if done is not None:
            messages.success(request, "The review has been recorded.")
            return redirect("leaders:detail", designation.leader_id)
    return render(
        request,
        "leaders/designation_review.html",
        {"form": form, "designation": designation, "closing": closing},
    )
