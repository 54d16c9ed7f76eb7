"""The system leaders area's blocks on the home page (docs/ux.md "Home page by role"): what a
coordinator must decide about leaders and each leader's capacity this year at a glance; a leader's
capacity and open rounds; the release days a home school's headteacher has to agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, headteacher_school_urns
from syslead.accounts.models import User
from syslead.capacity.days import days_words
from syslead.capacity.ledger import Capacity, capacities_for, capacity_totals
from syslead.core.academic_years import AcademicYear
from syslead.core.home import AttentionItem, Block, Link, Section
from syslead.leaders.models import (
    Association,
    AssociationReview,
    AssociationReviewOutcome,
    Designation,
    DesignationApplication,
    DesignationRound,
    DesignationStatus,
    Employment,
    LeaderProfile,
    ReleaseAgreement,
    TrainingAttendance,
)
from syslead.leaders.selectors import frequency_attention
from syslead.leaders.selectors.agreements import unsigned_agreements
from syslead.leaders.services import FINAL_STAGES
from syslead.leaders.views.common import CapacityBar

#: The month from which a headteacher is asked to agree next year's release (the summer term).
NEXT_YEAR_FROM_MONTH = 4


def _decisions(organisation_ids: set[int], *, with_associations: bool) -> Iterable[AttentionItem]:
    rounds = (
        DesignationRound.objects.filter(organisation_id__in=organisation_ids)
        .annotate(
            waiting=Count(
                "applications", filter=~Q(applications__stage__in=[str(s) for s in FINAL_STAGES])
            )
        )
        .filter(waiting__gt=0)
        .order_by("closes_on")
    )
    for designation_round in rounds:
        waiting = designation_round.waiting
        yield AttentionItem(
            f"{waiting} application{'s' if waiting != 1 else ''} to decide in "
            f"{designation_round.title}",
            reverse("leaders:round", args=[designation_round.pk]),
        )
    for designation in Designation.objects.filter(
        status=DesignationStatus.UNDER_REVIEW, organisation_id__in=organisation_ids
    ).select_related("leader__user", "type"):
        yield AttentionItem(
            f"Decide the review of {designation.leader.name}'s {designation.type.code} designation",
            reverse("leaders:designation_review", args=[designation.pk]),
            designation.review_reason,
        )
    if not with_associations:
        return
    for review in AssociationReview.objects.filter(
        outcome=AssociationReviewOutcome.OPEN, association__organisation_id__in=organisation_ids
    ).select_related("association__leader__user", "association__organisation"):
        yield AttentionItem(
            f"Decide the review of {review.association.leader.name}'s association with "
            f"{review.association.organisation.name}",
            reverse("leaders:association_review_close", args=[review.pk]),
            review.get_reason_display(),
        )


def _unsigned_agreements(organisation_ids: set[int]) -> Iterable[AttentionItem]:
    """Per organisation, the associated leaders who have not signed its current agreement and
    code of conduct (not deployable for it), with the action: remind them (docs/rules.md, "The
    broker's agreement and code of conduct")."""
    by_organisation: dict[tuple[int, str], list[str]] = {}
    for unsigned in unsigned_agreements(
        Association.objects.filter(organisation_id__in=organisation_ids)
    ):
        key = (unsigned.organisation_id, unsigned.organisation_name)
        by_organisation.setdefault(key, []).append(unsigned.leader_name)
    for (organisation_id, organisation_name), leaders in by_organisation.items():
        count = len(leaders)
        shown = ", ".join(leaders[:3]) + (f" and {count - 3} more" if count > 3 else "")
        yield AttentionItem(
            f"{count} leader{'s have' if count != 1 else ' has'} not signed {organisation_name}'s "
            "agreement and code of conduct: not deployable for it",
            reverse("leaders:agreement", args=[organisation_id]) + "#leaders",
            f"{shown}. Remind them to sign.",
        )


def coordinator_leaders(user: User) -> Iterable[Block]:
    """Decisions waiting about leaders, and each associated leader's capacity this year."""
    organisation_ids = coordinated_organisation_ids(user)
    if not organisation_ids:
        return
    year = AcademicYear.current()
    leaders = LeaderProfile.objects.filter(
        pk__in=Association.objects.filter(
            organisation_id__in=organisation_ids, is_live=True
        ).values("leader_id")
    )
    counts = leaders.aggregate(
        total=Count("pk"), untrained=Count("pk", filter=Q(core_training_completed_on__isnull=True))
    )
    yield from _decisions(organisation_ids, with_associations=counts["total"] > 0)
    if counts["untrained"]:
        untrained = counts["untrained"]
        yield AttentionItem(
            f"{untrained} leader{'s have' if untrained != 1 else ' has'} not completed core "
            "training: not deployable",
            reverse("leaders:training"),
        )
    if counts["total"]:
        yield from _unsigned_agreements(organisation_ids)
        for release in ReleaseAgreement.objects.filter(
            leader__in=leaders, academic_year=year.label, below_minimum=True
        ).select_related("leader__user"):
            yield AttentionItem(
                f"{release.leader.name} is released for {days_words(release.days)} in "
                f"{year.label}, below the LLE minimum",
                reverse("leaders:detail", args=[release.leader_id]),
            )
    # A summary only: every leader's bar is on the capacity page, a link away.
    totals = capacity_totals(counts["total"], capacities_for(leaders, year).values())
    yield Section(
        title=f"Leaders' capacity this year ({year.label})",
        template="leaders/home/coordinator_capacity.html",
        context={"totals": totals, "year": year},
        links=(
            Link("Every leader's capacity this year", reverse("leaders:capacity")),
            Link("Find a system leader", reverse("leaders:directory")),
            Link("Designation rounds", reverse("leaders:rounds")),
            Link("Training", reverse("leaders:training")),
        ),
    )


def system_leader_capacity(user: User) -> Iterable[Block]:
    """The leader's capacity this year, and rounds open for applications."""
    leader = LeaderProfile.objects.filter(user=user).first()
    if leader is None:
        return
    today = timezone.localdate()
    applied = DesignationApplication.objects.filter(leader=leader).values("round_id")
    for designation_round in (
        DesignationRound.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .exclude(pk__in=applied)
        .select_related("organisation")
    ):
        yield AttentionItem(
            f"Applications are open: {designation_round.title}",
            reverse("leaders:apply", args=[designation_round.pk]),
            f"{designation_round.organisation.name}, until {designation_round.closes_on:%d %B %Y}",
        )
    for unsigned in unsigned_agreements(Association.objects.filter(leader=leader)):
        yield AttentionItem(
            f"Sign {unsigned.organisation_name}'s agreement and code of conduct",
            reverse("leaders:agreement_sign", args=[unsigned.agreement_id]),
            f"Version {unsigned.version}: until you sign it you cannot be deployed for "
            f"{unsigned.organisation_name}.",
        )
    if not leader.pen_portrait:
        yield AttentionItem("Write your pen portrait", reverse("leaders:my_profile_edit"))
    year = AcademicYear.current()
    capacity = capacities_for([leader], year).get(leader.pk, Capacity(year.label))
    yield Section(
        title=f"My capacity this year ({year.label})",
        template="leaders/home/my_capacity.html",
        context={"bar": CapacityBar(capacity)},
        links=(Link("My profile", reverse("leaders:my_profile")),),
    )


def headteacher_release_days(user: User) -> Iterable[Block]:
    """Release days to agree for the school's staff who are system leaders."""
    urns = headteacher_school_urns(user)
    leaders = list(
        LeaderProfile.objects.filter(home_school_id__in=urns)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__name")
    )
    if not leaders:
        return
    year = AcademicYear.current()
    years = [year]
    if timezone.localdate().month >= NEXT_YEAR_FROM_MONTH and timezone.localdate().month < 9:
        years.append(year.next())
    releases = {
        (leader_id, label): consented
        for leader_id, label, consented in ReleaseAgreement.objects.filter(
            leader__in=leaders, academic_year__in=[y.label for y in years]
        ).values_list("leader_id", "academic_year", "headteacher_consent_at")
    }
    # Leaders who moved to the school this year: their release is asked of this headteacher.
    moved = set(
        Employment.objects.filter(
            leader__in=leaders,
            is_current=True,
            school_id__in=urns,
            starts_on__gte=year.starts_on,
        ).values_list("leader_id", flat=True)
    )
    for leader in leaders:
        for wanted in years:
            if (leader.pk, wanted.label) not in releases:
                yield AttentionItem(
                    f"Agree {leader.name}'s release days for {wanted.label}",
                    reverse("leaders:release"),
                )
            elif leader.pk in moved and releases[(leader.pk, wanted.label)] is None:
                yield AttentionItem(
                    f"Agree {leader.name}'s release days for the rest of {wanted.label}",
                    reverse("leaders:release") + f"#leader-{leader.pk}",
                    f"{leader.name} has moved to your school: their previous school's release "
                    "stopped at the move.",
                )
    capacities = capacities_for(leaders, year)
    yield Section(
        title="My staff who are system leaders",
        template="leaders/home/staff_release.html",
        context={
            "rows": [
                (leader, CapacityBar(capacities.get(leader.pk, Capacity(year.label))))
                for leader in leaders
            ],
            "year": year,
        },
        links=(Link("Release days", reverse("leaders:release")),),
    )


def coordinator_training(user: User) -> Iterable[Block]:
    """Network and LLE group meetings that can no longer wait (docs/rules.md, "Meetings needing
    attention on the home page"), each linking to the new event form with its kind and
    organisation chosen."""
    organisation_ids = coordinated_organisation_ids(user)
    if not organisation_ids:
        return
    for item in frequency_attention(organisation_ids):
        flag = item.flag
        yield AttentionItem(
            f"Schedule a {flag.kind_label.lower()} for {flag.organisation.name}: "
            f"{flag.count} of {flag.fewest} held or scheduled this year",
            reverse("leaders:training_new")
            + "?"
            + urlencode({"kind": flag.kind, "organisation": flag.organisation.pk}),
            item.reason,
        )


#: How long after an event its delegates are asked on their home page for feedback.
FEEDBACK_ASKED_FOR_DAYS = 60


def system_leader_training(user: User) -> Iterable[Block]:
    """Feedback to give on training events the leader attended recently (docs/rules.md,
    "Delegates' feedback")."""
    today = timezone.localdate()
    attended = (
        TrainingAttendance.objects.filter(
            leader__user_id=user.pk,
            attended=True,
            event__held_on__lte=today,
            event__held_on__gte=today - dt.timedelta(days=FEEDBACK_ASKED_FOR_DAYS),
        )
        .exclude(
            event__feedback__leader__user_id=user.pk,
        )
        .select_related("event")
        .order_by("event__held_on")
    )
    for attendance in attended:
        event = attendance.event
        yield AttentionItem(
            f"Give your feedback on {event.title}",
            reverse("leaders:training_feedback", args=[event.pk]),
            f"Held on {event.held_on:%-d %B %Y}",
        )
