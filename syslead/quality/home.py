"""What quality assurance shows on the home page (``syslead.core.home.HOME_SOURCES``): the way in
for coordinators, and a leader's shared performance feedback."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.home import Block, Link, Section
from syslead.quality.services import feedback_for_leader


def coordinator_quality(user: User) -> Iterator[Block]:
    yield Section(
        title="Quality assurance",
        template="quality/home/coordinator.html",
        links=(
            Link("Samples of notes of visit and performance feedback", reverse("quality:index")),
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
