"""Template helpers of the agreement pages: the status tag's colour, money and days in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from syslead.capacity.days import days_words
from syslead.core.templatetags.syslead_money import money
from syslead.deployments.access import deployments_visible_to
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.leaders.models import LeaderProfile

register = template.Library()

STATUS_TAGS: dict[str, str] = {
    DeploymentStatus.DRAFT: "tag tag--grey",
    DeploymentStatus.AWAITING_SIGNATURES: "tag tag--amber",
    DeploymentStatus.ACTIVE: "tag tag--green",
    DeploymentStatus.PAUSED: "tag tag--amber",
    DeploymentStatus.COMPLETED: "tag",
    DeploymentStatus.ENDED_EARLY: "tag tag--red",
    DeploymentStatus.CANCELLED: "tag tag--grey",
    DeploymentStatus.SUPERSEDED: "tag tag--grey",
}


@register.filter
def status_tag(status: str) -> str:
    """The CSS classes of an agreement's status tag."""
    return STATUS_TAGS.get(status, "tag")


#: Money as everywhere else (``syslead.core.templatetags.syslead_money``).
register.filter("money", money)


@register.filter
def days(value: Decimal | None) -> str:
    """Decimal("2.5") → "2.5 days"."""
    return days_words(value if value is not None else Decimal(0))


@register.inclusion_tag("deployments/_leader_agreements.html", takes_context=True)
def leader_agreements(context: template.Context, leader: LeaderProfile) -> dict[str, Any]:
    """The leader page's "Deployments": the leader's agreements the viewer may see (the deployments
    area's one rule, ``deployments_visible_to``), newest first (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    deployments = (
        deployments_visible_to(user)
        .filter(leader=leader)
        .select_related("client_school", "organisation")
        if user is not None
        else Deployment.objects.none()
    )
    return {"deployments": list(deployments.order_by("-starts_on"))}


@register.inclusion_tag("deployments/_advisers.html", takes_context=True)
def agreement_advisers(context: template.Context, deployment: Deployment) -> dict[str, Any]:
    """The agreement page's "The school's SIP": the school's named SIP (``schools.sips``) and who
    is copied in (docs/rules.md, "The school's named SIP"), with the link to change who is copied
    in for its coordinators (two queries)."""
    from syslead.deployments.copied_in import copied_in_of, may_copy_in
    from syslead.schools.sips import school_sip

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "deployment": deployment,
        "named_sip": school_sip(
            deployment.client_school_id, organisation=deployment.organisation_id
        ),
        "rows": list(copied_in_of(deployment)),
        "may_copy_in": user is not None and may_copy_in(user, deployment),
    }
