"""Who is the supported school's SIP, for the SIP's agreement of a local-authority-route draft
(docs/rules.md, "Sending an agreement for signature").

**The one place that answers "who is this school's SIP"** is ``school_sips``. Syslead has no
named SIP per school yet: a SIP is a person holding the SIP role in a local authority's
organisation (docs/access.md), so the school's SIPs are the active SIPs of the organisation the
request was raised in, which on the local authority route is the school's authority. When a
named SIP per school is added (in ``accounts`` / ``schools``), change only ``school_sips``: return
the named SIP when the school has one (else, as now, the authority's SIPs). Everything else (who
may agree, whether agreement is needed, whom to notify) asks ``school_sips`` or the two
functions below.
"""

from __future__ import annotations

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment


def school_sips(deployment: Deployment) -> list[User]:
    """The SIPs of the agreement's supported school (see the module's note), in a stable order.
    Empty on the school route: only local-authority-route drafts wait for a SIP."""
    if deployment.support_request.route != Route.LOCAL_AUTHORITY:
        return []
    cached: list[User] | None = getattr(deployment, "_school_sips", None)
    if cached is not None:
        return cached
    sips = [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.SIP, organisation_id=deployment.organisation_id, user__is_active=True
        )
        .select_related("user")
        .order_by("user__name", "user_id")
    ]
    deployment._school_sips = sips  # type: ignore[attr-defined]
    return sips


def sip_agreement_needed(deployment: Deployment) -> bool:
    """Whether the draft must be agreed by the school's SIP before it is sent for signature: on
    the local authority route, when the school has a SIP."""
    return bool(school_sips(deployment))


def is_school_sip(user: User, deployment: Deployment) -> bool:
    """Whether ``user`` is one of the supported school's SIPs."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        sip.pk == user.pk for sip in school_sips(deployment)
    )
