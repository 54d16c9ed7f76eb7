"""Reads about leaders who moved school (docs/rules.md, "A leader moves school"): the employment
history shown on the profile. The flags on agreements are the agreements area's
(``deployments.moves``)."""

from __future__ import annotations

from syslead.leaders.models import Employment, LeaderProfile


def employment_history(leader: LeaderProfile) -> list[Employment]:
    """The leader's schools, the current one first (one query)."""
    return list(
        Employment.objects.filter(leader=leader)
        .select_related("school")
        .order_by("-is_current", "-starts_on", "-pk")
    )
