"""The home page's blocks for the governing body (``syslead.core.home.HOME_SOURCES``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from syslead.accounts.access import chair_school_urns, headteacher_school_urns
from syslead.accounts.models import User
from syslead.core.home import Block, Section
from syslead.deployments.access import governed_agreements
from syslead.schools.models import School


def governor_agreements(user: User) -> Iterable[Block]:
    """A governor's way to their school's agreements and documents."""
    count = governed_agreements(user).count()
    yield Section(
        title="Your school's support",
        template="governors/home_section.html",
        context={
            "url": reverse("governors:home"),
            "text": f"Agreements of support shared with the governing body ({count})",
        },
    )


def governing_body_to_name(user: User) -> Iterable[Block]:
    """The headteacher's way to name the school's governors."""
    yield from _naming(headteacher_school_urns(user))


def chair_governing_body(user: User) -> Iterable[Block]:
    """The chair's way to name governors (once: a chair who is also the head sees the head's)."""
    yield from _naming(chair_school_urns(user) - headteacher_school_urns(user))


def _naming(urns: set[int]) -> Iterable[Block]:
    for school in School.objects.filter(urn__in=urns).order_by("name"):
        yield Section(
            title=f"Governing body of {school.name}",
            template="governors/home_section.html",
            context={
                "url": reverse("governors:manage", args=[school.urn]),
                "text": "Name the governors who read the school's agreements and reports",
            },
        )
