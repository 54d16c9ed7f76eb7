"""Whether a leader may be deployed, whether an LLE missed the year's mandatory training, and the
flags a coordinator sees, in words (docs/rules.md: Training, Designations, Capacity)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from syslead.capacity.days import days_words
from syslead.capacity.ledger import YearLike, academic_year_of
from syslead.core.academic_years import AcademicYear
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    LeaderProfile,
    ReleaseAgreement,
    TrainingAttendance,
    TrainingKind,
)
from syslead.leaders.release_policy import release_policy
from syslead.leaders.selectors.agreements import unsigned_agreements
from syslead.leaders.wording import date_in_words


def leaders_deployable(queryset: QuerySet[LeaderProfile]) -> QuerySet[LeaderProfile]:
    """Narrow a queryset to deployable leaders: an active designation and core training done."""
    return queryset.filter(
        Exists(
            Designation.objects.filter(leader_id=OuterRef("pk"), status=DesignationStatus.ACTIVE)
        ),
        core_training_completed_on__isnull=False,
    )


def not_deployable_reasons(leader: LeaderProfile) -> list[str]:
    """Why the leader may not be deployed, in words; empty when deployable. A designation under
    review or revoked does not count: the shortlist's hard rule is "an active designation"."""
    reasons = []
    if not any(d.status == DesignationStatus.ACTIVE for d in leader.designations.all()):
        reasons.append("Not deployable: no active designation.")
    if leader.core_training_completed_on is None:
        reasons.append(
            "Not deployable: core training not completed (every new system leader completes "
            "core training before any deployment)."
        )
    return reasons


def is_deployable(leader: LeaderProfile) -> bool:
    """An active designation AND core training completed."""
    return not not_deployable_reasons(leader)


def _annual_training_designations(leader: LeaderProfile, year: AcademicYear) -> list[Designation]:
    return [
        d
        for d in leader.designations.all()
        if d.status in LIVE_DESIGNATION_STATUSES
        and d.type.requires_annual_training
        and d.designated_on <= year.ends_on
    ]


def missed_annual_lle_training(leader: LeaderProfile, academic_year: YearLike) -> bool:
    """An LLE (a live designation whose type requires annual training, held during the year) who
    attended no annual mandatory LLE training event held in that academic year."""
    year = academic_year_of(academic_year)
    if not _annual_training_designations(leader, year):
        return False
    attended = TrainingAttendance.objects.filter(
        leader=leader,
        attended=True,
        event__kind=TrainingKind.LLE_ANNUAL,
        event__held_on__gte=year.starts_on,
        event__held_on__lte=year.ends_on,
    ).exists()
    return not attended


def leader_flags(leader: LeaderProfile, academic_year: YearLike) -> list[str]:
    """Everything a coordinator should look at for this leader in the year, in words: not
    deployable (and why), missed mandatory training, designation under review, review date
    passed, release below the LLE minimum, a broker's agreement not signed (not deployable for
    that broker), an LLE associated with several organisations."""
    year = academic_year_of(academic_year)
    today = timezone.localdate()
    flags = list(not_deployable_reasons(leader))
    if missed_annual_lle_training(leader, year):
        if year.ends_on < today:
            flags.append(f"Missed the mandatory LLE training session in {year.label}.")
        else:
            flags.append(
                f"Missed mandatory training: no mandatory LLE training session attended in "
                f"{year.label} yet (LLEs attend one a year)."
            )
    for designation in leader.designations.all():
        if designation.status == DesignationStatus.UNDER_REVIEW:
            reason = f": {designation.review_reason}" if designation.review_reason else ""
            flags.append(f"{designation.type.code} designation under review{reason}")
        elif (
            designation.status == DesignationStatus.ACTIVE
            and designation.review_on is not None
            and designation.review_on < today
        ):
            flags.append(
                f"Review date passed: the {designation.type.code} designation was due for review "
                f"on {date_in_words(designation.review_on)}."
            )
    release = ReleaseAgreement.objects.filter(leader=leader, academic_year=year.label).first()
    if release is not None and release.below_minimum:
        minimum = release_policy(leader).min_lle_days
        flags.append(
            f"Release below the minimum: {days_words(release.days)} agreed for {year.label}; "
            f"an associated LLE is available for at least {days_words(minimum)} a year."
        )
    for unsigned in unsigned_agreements(Association.objects.filter(leader=leader)):
        flags.append(
            f"Not deployable for {unsigned.organisation_name}: has not signed its agreement and "
            f"code of conduct (version {unsigned.version})."
        )
    live = [a for a in leader.associations.all() if a.is_live]
    exclusive = [d for d in leader.designations.all() if d.status in LIVE_DESIGNATION_STATUSES]
    if len(live) > 1 and any(d.type.is_exclusive for d in exclusive):
        names = " and ".join(sorted(a.organisation.name for a in live))
        flags.append(
            f"An LLE may be associated with only one organisation at a time; this leader is "
            f"associated with {names}: one association must end."
        )
    return flags


def leader_with_related(leader_id: int) -> LeaderProfile:
    """A leader with designations, associations, specialisms and phases loaded (for a profile page
    or ``leader_flags``)."""
    return (
        LeaderProfile.objects.select_related("user", "home_school")
        .prefetch_related(
            Prefetch(
                "designations",
                queryset=Designation.objects.select_related("type", "organisation"),
            ),
            Prefetch(
                "associations",
                queryset=Association.objects.select_related("organisation", "contact"),
            ),
            "specialisms",
            "phase_rows",
        )
        .get(pk=leader_id)
    )
