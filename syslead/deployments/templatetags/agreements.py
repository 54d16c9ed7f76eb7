"""Template helpers of the agreement pages: the status tag's colour, money and days in words."""

from __future__ import annotations

from decimal import Decimal

from django import template

from syslead.core.templatetags.syslead_money import money
from syslead.deployments.models import DeploymentStatus
from syslead.deployments.rules import days_words

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
