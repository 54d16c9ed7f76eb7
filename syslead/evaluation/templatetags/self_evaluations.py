"""The leader's self-evaluations where a leader's work is reviewed (docs/rules.md, "A leader's
portfolio"): on the annual performance feedback page and the designation review page, and the
link to the portfolio on the leader's pages. Each shows only what the viewer may read
(``syslead.evaluation.portfolio``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from syslead.evaluation.portfolio import may_read_portfolio, self_evaluations_for
from syslead.leaders.models import LeaderProfile

register = template.Library()


@register.inclusion_tag("evaluation/_self_evaluations.html", takes_context=True)
def self_evaluations(
    context: template.Context,
    leader: LeaderProfile,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    """The leader's self-evaluations of the deployments running in the period (of one broker,
    when given) that the viewer may read; the period ends today when no end is given."""
    request = context.get("request")
    user = getattr(request, "user", None)
    found = (
        self_evaluations_for(
            user, leader, starts_on, ends_on or timezone.localdate(), organisation_id
        )
        if user is not None and getattr(user, "is_authenticated", False)
        else []
    )
    return {"self_evaluations": found, "leader": leader}


@register.inclusion_tag("evaluation/_portfolio_link.html", takes_context=True)
def portfolio_link(context: template.Context, leader: LeaderProfile) -> dict[str, Any]:
    """A link to the leader's portfolio, for whoever may read it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"leader": leader, "shown": False, "own": False}
    shown = may_read_portfolio(user, leader)
    return {"leader": leader, "shown": shown, "own": shown and leader.user_id == user.pk}
