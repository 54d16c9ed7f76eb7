"""Who agrees a local-authority-route draft before it is sent for signature (docs/rules.md,
"Sending an agreement for signature" and "The school's named SIP").

``school_sips`` is the deployments area's one question "whose agreement does this draft wait
for"; it asks ``schools.sips.school_sip``, the one lookup of a school's named SIP, for the SIP the
agreement's own organisation named for the supported school. There is no fallback to the
authority's other SIPs: a school with no named SIP has none, so its draft waits for no one and the
coordinator sends it (the rule "The school's named SIP" says the named SIP agrees; those copied in
are told what the named SIP is told, but do not agree). Everything else (who may agree, whether
agreement is needed, whom to notify) asks ``school_sips`` or the two functions below.
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment
from syslead.schools.sips import school_sip


def school_sips(deployment: Deployment) -> list[User]:
    """The supported school's named SIP (named by the agreement's organisation), as a list of at
    most one. Empty on the school route (only local-authority-route drafts wait for a SIP) and
    when the school has no named SIP. Cached on the agreement for the request."""
    if deployment.support_request.route != Route.LOCAL_AUTHORITY:
        return []
    cached: list[User] | None = getattr(deployment, "_school_sips", None)
    if cached is not None:
        return cached
    named = school_sip(deployment.client_school_id, organisation=deployment.organisation_id)
    sips = [named] if named is not None else []
    deployment._school_sips = sips  # type: ignore[attr-defined]
    return sips


def sip_agreement_needed(deployment: Deployment) -> bool:
    """Whether the draft must be agreed by the school's named SIP before it is sent for
    signature: on the local authority route, when the school has one."""
    return bool(school_sips(deployment))


def is_school_sip(user: User, deployment: Deployment) -> bool:
    """Whether ``user`` is the supported school's named SIP for this agreement."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        sip.pk == user.pk for sip in school_sips(deployment)
    )
