"""``{% load delivery %}{% delivery_panel deployment %}``: the deployment's delivery records for
the person looking (figures, what they must do, links), for the deployment page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from syslead.core.http import signed_in_user
from syslead.deployments.models import Deployment
from syslead.visits.delivery import delivery_summary

register = template.Library()


@register.inclusion_tag("visits/_deployment_panel.html", takes_context=True)
def delivery_panel(context: template.Context, deployment: Deployment) -> dict[str, Any]:
    user = signed_in_user(context["request"])  # the deployment page is for signed-in people
    return {"summary": delivery_summary(user, deployment, timezone.localdate())}
