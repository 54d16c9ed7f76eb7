"""What quality assurance shows on the home page (``syslead.core.home.HOME_SOURCES``): the way in
for coordinators, concerns nobody has touched for too long, and a leader's shared performance
feedback."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from syslead.accounts.access import coordinated_organisation_ids
from syslead.accounts.models import User
from syslead.core.home import AttentionItem, Block, Link, Section
from syslead.quality.concerns import (
    UNTOUCHED_SCHOOL_DAYS,
    school_days_untouched,
    untouched_concerns,
)
from syslead.quality.services import feedback_for_leader


def coordinator_quality(user: User) -> Iterator[Block]:
    # docs/rules.md, "Concerns about or from a leader": a concern untouched for ten school days.
    for concern in untouched_concerns(coordinated_organisation_ids(user)):
        about = (
            f"about {concern.leader.name}"
            if concern.direction == "about_leader"
            else f"from {concern.leader.name}"
        )
        yield AttentionItem(
            f"Act on the concern {about}: {concern.summary}",
            reverse("quality:concern", args=[concern.pk]),
            f"{concern.get_status_display()}; untouched for {school_days_untouched(concern)} "
            f"school days (more than {UNTOUCHED_SCHOOL_DAYS - 1}). Record what was done.",
        )
    yield Section(
        title="Quality assurance",
        template="quality/home/coordinator.html",
        links=(
            Link(
                "Samples of notes of visit and evaluations, and performance feedback",
                reverse("quality:index"),
            ),
            Link("Concerns about or from leaders", reverse("quality:concerns")),
        ),
    )


def system_leader_feedback(user: User) -> Iterator[Block]:
    feedback = list(feedback_for_leader(user)[:5])
    if feedback:
        yield Section(
            title="My performance feedback",
            template="quality/home/leader.html",
            context={"feedback": feedback},
            links=(Link("My performance feedback", reverse("quality:my_feedback")),),
        )
