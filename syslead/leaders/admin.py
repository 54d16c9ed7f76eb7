"""The Django admin for the system leaders area: administrators look things up here; the rules
(exclusivity, caps, stages, consent) are kept by the services, so records that carry rules are
read-only here and change through the pages and the API. Vocabularies and release policies may be
edited: a policy change goes through ``capacity_policy_set`` and is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.core.http import signed_in_user
from syslead.leaders.models import (
    ApplicationDecision,
    Association,
    AssociationReview,
    CapacityPolicy,
    Designation,
    DesignationApplication,
    DesignationRound,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
    Specialism,
    TermlyReview,
    TrainingAttendance,
    TrainingEvent,
    TrainingFeedback,
    TrainingInvitation,
    TrainingNeed,
)
from syslead.leaders.services import capacity_policy_set


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Look, do not touch: these records change only through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Specialism)
class SpecialismAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "code", "organisation"]
    list_filter = [("organisation", admin.EmptyFieldListFilter)]
    search_fields = ["label", "code"]


@admin.register(DesignationType)
class DesignationTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "code",
        "name",
        "organisation",
        "min_years_experience",
        "requires_headteacher",
        "is_exclusive",
    ]
    search_fields = ["code", "name"]


class PhaseInline(ReadOnlyInline):
    model = LeaderPhase


class DesignationInline(ReadOnlyInline):
    model = Designation
    fk_name = "leader"
    fields = ["type", "organisation", "status", "designated_on", "review_on", "revoked_on"]


class AssociationInline(ReadOnlyInline):
    model = Association
    fields = ["organisation", "starts_on", "ends_on", "is_live", "exclusive", "automatic"]


class ReleaseInline(ReadOnlyInline):
    model = ReleaseAgreement
    fields = ["academic_year", "days", "agreed_on", "below_minimum", "headteacher_consent_by"]


@admin.register(LeaderProfile)
class LeaderProfileAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "job_title", "home_school", "created_by_organisation"]
    search_fields = ["user__name", "user__email", "home_school__name"]
    list_select_related = ["user", "home_school", "created_by_organisation"]
    inlines = [PhaseInline, DesignationInline, AssociationInline, ReleaseInline]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["leader", "type", "organisation", "status", "designated_on", "review_on"]
    list_filter = ["status", "type"]
    list_select_related = ["leader__user", "type", "organisation"]
    search_fields = ["leader__user__name"]


@admin.register(DesignationRound)
class DesignationRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "designation_type", "opens_on", "closes_on", "target"]


class DecisionInline(ReadOnlyInline):
    model = ApplicationDecision


@admin.register(DesignationApplication)
class DesignationApplicationAdmin(ReadOnlyAdmin):
    list_display = ["leader", "round", "stage", "home_school_ofsted_rating", "submitted_at"]
    list_filter = ["stage"]
    inlines = [DecisionInline]


class ReviewInline(ReadOnlyInline):
    model = AssociationReview


@admin.register(Association)
class AssociationAdmin(ReadOnlyAdmin):
    list_display = ["leader", "organisation", "starts_on", "ends_on", "is_live", "exclusive"]
    list_filter = ["is_live", "exclusive", "automatic"]
    list_select_related = ["leader__user", "organisation"]
    inlines = [ReviewInline]


@admin.register(CapacityPolicy)
class CapacityPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["organisation", "max_release_days", "min_lle_days"]

    def save_model(
        self, request: HttpRequest, obj: CapacityPolicy, form: Any, change: bool
    ) -> None:
        """Through the service: validated the same way and recorded as an event."""
        capacity_policy_set(
            actor=signed_in_user(request),
            organisation=obj.organisation,
            max_release_days=obj.max_release_days,
            min_lle_days=obj.min_lle_days,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReleaseAgreement)
class ReleaseAgreementAdmin(ReadOnlyAdmin):
    list_display = ["leader", "academic_year", "days", "below_minimum", "agreed_on"]
    list_filter = ["academic_year", "below_minimum"]


class AttendanceInline(ReadOnlyInline):
    model = TrainingAttendance


class InvitationInline(ReadOnlyInline):
    model = TrainingInvitation


class FeedbackInline(ReadOnlyInline):
    model = TrainingFeedback


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organisation", "held_on"]
    list_filter = ["kind"]
    inlines = [AttendanceInline, InvitationInline, FeedbackInline]


class NeedInline(ReadOnlyInline):
    model = TrainingNeed
    exclude = ["leader"]


@admin.register(TermlyReview)
class TermlyReviewAdmin(ReadOnlyAdmin):
    """Termly reviews are recorded by coordinators on the leader's page (docs/rules.md,
    "Termly reviews and training needs"); the admin reads them."""

    list_display = ["leader", "organisation", "held_on", "term"]
    list_filter = ["term"]
    inlines = [NeedInline]
