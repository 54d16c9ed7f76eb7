"""A leader's own profile, the leader page coordinators see, and adding or editing a leader."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import (
    coordinated_organisation_ids,
    has_role,
    is_administrator,
)
from syslead.accounts.models import Role, User
from syslead.capacity.ledger import capacities_for, years_with_figures
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import MAX_URN, whole_number
from syslead.core.service_calls import run_service
from syslead.leaders.access import (
    associated_organisation_ids,
    may_edit_profile,
    may_list_in_directory,
)
from syslead.leaders.constants import PHASES
from syslead.leaders.forms import (
    PUBLICATION_FIELDS,
    CoordinatorProfileForm,
    DeclarationForm,
    LeaderCreateForm,
    MyProfileForm,
    ProfileForm,
    SchoolFindForm,
)
from syslead.leaders.models import (
    AgreementSignature,
    AssociationReview,
    AssociationReviewOutcome,
    BrokerAgreement,
    DesignationApplication,
    DesignationRound,
    DirectoryListing,
    LeaderProfile,
    TermlyReview,
    TrainingAttendance,
    TrainingFeedback,
)
from syslead.leaders.permissions import (
    is_the_leader,
    leader_organisation_ids,
    may_coordinate,
    may_manage_leader,
    may_move_school,
    may_read_capacity,
    may_set_release,
)
from syslead.leaders.release_policy import release_policy
from syslead.leaders.selectors import (
    designation_for_user,
    leader_flags,
    leader_for_user,
    leader_phases,
    leader_with_related,
    shared_by,
    specialisms_for,
)
from syslead.leaders.selectors.agreements import current_agreement
from syslead.leaders.selectors.moves import employment_history
from syslead.leaders.services import (
    leader_declare_no_longer_meets_criteria,
    review_organisations,
)
from syslead.leaders.transitions import DESIGNATION_TRANSITIONS
from syslead.leaders.views.common import (
    CapacityBar,
    coordinated_organisations,
    leader_timeline,
    require_coordinator,
)
from syslead.leaders.web_services import leader_add, leader_profile_save
from syslead.schools.selectors import school_search

SCHOOL_MATCHES = 10


def _capacity_years(leader: LeaderProfile) -> list[AcademicYear]:
    """The current year and every year with a release agreement or an agreement, newest first."""
    labels = {AcademicYear.current().label} | years_with_figures(leader)
    years = []
    for label in labels:
        try:
            years.append(AcademicYear.parse(label))
        except ValueError:
            continue
    return sorted(years, reverse=True)


class AgreementState(NamedTuple):
    """The broker's current agreement (None: it has published none) and whether the leader has
    signed it."""

    agreement: BrokerAgreement | None
    signed: bool


def _agreement_state(agreement: BrokerAgreement | None, signed: set[int]) -> AgreementState:
    return AgreementState(agreement, agreement is not None and agreement.pk in signed)


def _reviews_context(viewer: User, leader: LeaderProfile) -> dict[str, Any]:
    """The leader's termly reviews and open training needs (docs/rules.md, "Termly reviews and
    training needs"): notes only to the leader and the coordinators who manage them; each need
    with whether the viewer may mark it met."""
    reviews = list(
        TermlyReview.objects.filter(leader=leader)
        .select_related("organisation")
        .prefetch_related("needs__met_by_event")
    )
    open_needs = [
        (need, may_coordinate(viewer, review.organisation_id))
        for review in reviews
        for need in review.needs.all()
        if need.met_on is None
    ]
    return {
        "termly_reviews": reviews,
        "open_needs": open_needs,
        "review_notes_readable": is_the_leader(viewer, leader) or may_manage_leader(viewer, leader),
        "may_record_review": bool(review_organisations(viewer, leader)),
    }


def leader_context(viewer: User, leader_id: int) -> dict[str, Any]:
    """Everything the leader page and the leader's own profile show."""
    leader = leader_with_related(leader_id)
    year = AcademicYear.current()
    years = _capacity_years(leader)
    by_year = {y.label: capacities_for([leader.pk], y)[leader.pk] for y in years}
    designations = list(leader.designations.all())
    associations = list(leader.associations.all())
    reviews = AssociationReview.objects.filter(association__leader=leader).select_related(
        "opened_by"
    )
    reviews_by_association: dict[int, list[AssociationReview]] = {}
    for review in reviews:
        reviews_by_association.setdefault(review.association_id, []).append(review)
    readable = may_read_capacity(viewer, leader)
    agreements = {
        a.organisation_id: current_agreement(a.organisation_id) for a in associations if a.is_live
    }
    signed = set(
        AgreementSignature.objects.filter(
            leader=leader, agreement_id__in=[a.pk for a in agreements.values() if a]
        ).values_list("agreement_id", flat=True)
    )
    # The leader's own profile offers the declaration; the leader's page a coordinator's steps.
    designation_steps = (
        ("declare",) if is_the_leader(viewer, leader) else ("review", "continue", "revoke")
    )
    return {
        "leader": leader,
        "year": year,
        "phases": [PHASES[p] for p in leader_phases(leader)],
        "specialisms": sorted(s.label for s in leader.specialisms.all()),
        "flags": leader_flags(leader, year),
        "designations": [
            (d, DESIGNATION_TRANSITIONS.allowed(viewer, d, among=designation_steps))
            for d in designations
        ],
        "associations": [
            (
                a,
                may_coordinate(viewer, a.organisation_id),
                reviews_by_association.get(a.pk, []),
                next(
                    (
                        r
                        for r in reviews_by_association.get(a.pk, [])
                        if r.outcome == AssociationReviewOutcome.OPEN
                    ),
                    None,
                ),
                _agreement_state(agreements.get(a.organisation_id), signed),
            )
            for a in associations
        ],
        "may_edit_governance": may_edit_profile(viewer, leader),
        "capacity_readable": readable,
        "capacities": [by_year[y.label] for y in years] if readable else [],
        "bar": CapacityBar(by_year[year.label]) if readable else None,
        "policy": release_policy(leader) if readable else None,
        "training": list(
            TrainingAttendance.objects.filter(leader=leader)
            .select_related("event__organisation")
            .order_by("-event__held_on")
        ),
        "feedback_given": set(
            TrainingFeedback.objects.filter(leader=leader).values_list("event_id", flat=True)
        ),
        "own_profile": is_the_leader(viewer, leader),
        "today": timezone.localdate(),
        **_reviews_context(viewer, leader),
        "applications": list(
            DesignationApplication.objects.filter(leader=leader).select_related(
                "round__organisation", "round__designation_type"
            )
        ),
        "may_manage": may_manage_leader(viewer, leader),
        "may_move_school": may_move_school(viewer, leader),
        "history": employment_history(leader),
        "may_set_release": may_set_release(viewer, leader),
        "may_associate": bool(
            is_administrator(viewer)
            or coordinated_organisation_ids(viewer)
            - {a.organisation_id for a in associations if a.is_live}
        ),
    }


@login_required
def my_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = LeaderProfile.objects.filter(user=request.user).only("pk").first()
    if profile is None:
        if not has_role(request.user, Role.SYSTEM_LEADER):
            raise PermissionDenied("Only system leaders have a profile.")
        return render(request, "leaders/my_profile_missing.html")
    context = leader_context(request.user, profile.pk)
    today = timezone.localdate()
    applied = {a.round_id for a in context["applications"]}
    context["open_rounds"] = [
        r
        for r in DesignationRound.objects.filter(
            opens_on__lte=today, closes_on__gte=today
        ).select_related("organisation", "designation_type")
        if r.pk not in applied
    ]
    context["timeline"] = leader_timeline(context["leader"])
    return render(request, "leaders/my_profile.html", context)


def _own_profile(request: AuthenticatedHttpRequest) -> LeaderProfile:
    profile = (
        LeaderProfile.objects.filter(user=request.user)
        .select_related("user", "home_school")
        .first()
    )
    if profile is None:
        raise PermissionDenied("Only system leaders with a profile may do this.")
    return profile


def _profile_initial(leader: LeaderProfile) -> dict[str, Any]:
    return {
        "job_title": leader.job_title,
        "specialisms": [s.code for s in leader.specialisms.all()],
        "phases": leader_phases(leader),
        "years_experience": leader.years_experience,
        "pen_portrait": leader.pen_portrait,
        "declared_conflicts": leader.declared_conflicts,
        "home_school": leader.home_school_id,
        "is_headteacher": leader.is_headteacher,
        "core_training_completed_on": leader.core_training_completed_on,
        **{name: getattr(leader, name) for name in PUBLICATION_FIELDS},
    }


def _profile_fields(form: ProfileForm) -> dict[str, Any]:
    names = [
        "job_title",
        "specialisms",
        "phases",
        "years_experience",
        "pen_portrait",
        "declared_conflicts",
    ]
    fields = {name: form.cleaned_data[name] for name in names}
    if isinstance(form, CoordinatorProfileForm):
        fields["home_school_urn"] = form.cleaned_data["home_school"]
        fields["is_headteacher"] = form.cleaned_data["is_headteacher"]
        fields["core_training_completed_on"] = form.cleaned_data["core_training_completed_on"]
    return fields


def _specialisms_for_leader(viewer: User, leader: LeaderProfile) -> list[Any]:
    return list(
        specialisms_for(leader_organisation_ids(leader) | coordinated_organisation_ids(viewer))
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    leader = _own_profile(request)
    specialisms = _specialisms_for_leader(request.user, leader)
    form = MyProfileForm(
        request.POST if request.method == "POST" else None,
        initial=_profile_initial(leader),
        specialisms=specialisms,
    )
    if request.method == "POST" and form.is_valid():
        publication = {name: form.cleaned_data[name] for name in PUBLICATION_FIELDS}
        saved = run_service(
            form,
            lambda: leader_profile_save(
                actor=request.user,
                leader=leader,
                fields=_profile_fields(form),
                publication=publication,
            ),
        )
        if saved is not None:
            messages.success(request, "Your profile has been saved.")
            return redirect("leaders:my_profile")
    return render(request, "leaders/my_profile_edit.html", {"form": form, "leader": leader})


@login_required
@require_http_methods(["GET", "POST"])
def declare_no_longer_meets(request: AuthenticatedHttpRequest, designation_id: int) -> HttpResponse:
    leader = _own_profile(request)
    designation = designation_for_user(request.user, designation_id)
    if designation.leader_id != leader.pk:
        raise PermissionDenied("That designation is not yours.")
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: leader_declare_no_longer_meets_criteria(
                actor=request.user,
                leader=leader,
                designation=designation,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"Thank you for telling us. Your {designation.type.code} designation is now "
                "flagged for review by the designating organisation.",
            )
            return redirect("leaders:my_profile")
    return render(
        request,
        "leaders/declare.html",
        {"form": form, "designation": designation, "leader": leader},
    )


@login_required
def leader_detail(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader = leader_for_user(request.user, leader_id)
    context = leader_context(request.user, leader.pk)
    # A leader another broker shared with the viewer's organisation is read-only for it.
    context["shared_by"] = shared_by(request.user, leader)
    if context["shared_by"]:
        context["may_associate"] = False
        context["may_move_school"] = False
    context["timeline"] = (
        leader_timeline(leader) if context["may_manage"] or context["capacity_readable"] else []
    )
    context.update(listing_context(request.user, leader))
    return render(request, "leaders/detail.html", context)


def listing_context(viewer: User, leader: LeaderProfile) -> dict[str, Any]:
    """The public directories that list a leader with no broker, and the viewer's organisations
    that may list them or stop (docs/rules.md, "Association")."""
    listings = list(DirectoryListing.objects.filter(leader=leader).select_related("organisation"))
    if associated_organisation_ids(leader):
        return {"listings": [], "listable": []}
    listed_ids = {listing.organisation_id for listing in listings}
    listable = []
    for organisation in coordinated_organisations(viewer):
        if may_list_in_directory(viewer, organisation):
            organisation.listed = organisation.pk in listed_ids  # type: ignore[attr-defined]
            listable.append(organisation)
    return {"listings": listings, "listable": listable}


@login_required
@require_http_methods(["GET", "POST"])
def leader_edit(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader = leader_for_user(request.user, leader_id)
    if not may_manage_leader(request.user, leader):
        raise PermissionDenied("Only coordinators of the leader's organisations may edit it.")
    form = CoordinatorProfileForm(
        request.POST if request.method == "POST" else None,
        initial=_profile_initial(leader),
        specialisms=_specialisms_for_leader(request.user, leader),
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: leader_profile_save(
                actor=request.user, leader=leader, fields=_profile_fields(form)
            ),
        )
        if saved is not None:
            messages.success(request, f"{leader.name}'s profile has been saved.")
            return redirect("leaders:detail", leader.pk)
    return render(request, "leaders/edit.html", {"form": form, "leader": leader})


@login_required
@require_http_methods(["GET", "POST"])
def leader_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    organisations = coordinated_organisations(request.user)
    find = SchoolFindForm(request.GET or None)
    matches = []
    if find.is_valid() and find.cleaned_data["school_q"]:
        matches = list(school_search(find.cleaned_data["school_q"]).schools[:SCHOOL_MATCHES])
    initial: dict[str, Any] = {"phases": []}
    urn = whole_number(request.GET.get("urn"), MAX_URN)
    if urn is not None:
        initial["home_school"] = urn
    form = LeaderCreateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=organisations,
        specialisms=list(specialisms_for(o.pk for o in organisations)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leader = run_service(
            form,
            lambda: leader_add(
                actor=request.user,
                email=data["email"],
                name=data["name"],
                organisation=data["organisation"],
                home_school_urn=data["home_school"],
                job_title=data["job_title"],
                specialisms=data["specialisms"],
                phases=data["phases"],
                pen_portrait=data["pen_portrait"],
                core_training_completed_on=data["core_training_completed_on"],
                years_experience=data["years_experience"],
                is_headteacher=data["is_headteacher"],
                declared_conflicts=data["declared_conflicts"],
            ),
            aliases={"user": "email", "roles": "email"},
        )
        if leader is not None:
            messages.success(request, f"{leader.name} has been added as a system leader.")
            return redirect("leaders:detail", leader.pk)
    return render(
        request,
        "leaders/new.html",
        {"form": form, "find": find, "matches": matches, "action": reverse("leaders:new")},
    )
