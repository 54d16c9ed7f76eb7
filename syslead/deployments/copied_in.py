"""People of the local authority copied in on an agreement (docs/rules.md, "The school's named
SIP"): who is, whom a coordinator may copy in, and the two writes.

On a local-authority-route agreement the coordinators of its organisation (and administrators)
copy in people holding the SIP role in that organisation, other than the school's named SIP
(who receives everything already). Those copied in receive what the named SIP receives (notes
of visit, the deployment record, termly feedback: ``visits.recipients.advisers_for``); they read
the agreement's records because its organisation's SIPs read a local-authority-route agreement
(``deployments.access``). Removing them stops the messages. Both steps go on the timeline.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error
from syslead.deployments.access import can_manage_deployment
from syslead.deployments.models import CopiedIn, Deployment
from syslead.schools.sips import school_sip, sips_of

__all__ = [
    "copied_in_of",
    "copy_in",
    "may_copy_in",
    "people_to_copy_in",
    "remove_copied_in",
]


def may_copy_in(user: User, deployment: Deployment) -> bool:
    """The agreement's managers, on the local authority route."""
    return deployment.support_request.route == Route.LOCAL_AUTHORITY and can_manage_deployment(
        user, deployment
    )


def copied_in_of(deployment: Deployment) -> QuerySet[CopiedIn]:
    """Who is copied in on the agreement, in the order they were added."""
    return deployment.copied_in.select_related("user").order_by("added_at", "pk")


def people_to_copy_in(deployment: Deployment) -> QuerySet[User]:
    """The organisation's SIPs not yet copied in, and not the school's named SIP."""
    named = school_sip(deployment.client_school_id, organisation=deployment.organisation_id)
    people = sips_of(deployment.organisation_id).exclude(copied_in_on__deployment=deployment)
    return people.exclude(pk=named.pk) if named is not None else people


def _require(actor: User, deployment: Deployment) -> None:
    if not can_manage_deployment(actor, deployment):
        raise NotAllowed(
            f"Only a coordinator of {deployment.organisation.name} copies people in on it."
        )
    if deployment.support_request.route != Route.LOCAL_AUTHORITY:
        raise RuleViolation(
            "People of the local authority are copied in on local-authority-route agreements only.",
            rule="not_la_route",
        )


@transaction.atomic
def copy_in(*, actor: User, deployment: Deployment, person: User) -> CopiedIn:
    """Copy ``person`` in on the agreement: one of its organisation's SIPs, not yet copied in and
    not the school's named SIP."""
    _require(actor, deployment)
    if not people_to_copy_in(deployment).filter(pk=person.pk).exists():
        raise field_error(
            "person",
            f"Choose a school improvement partner of {deployment.organisation.name} who is not "
            "copied in yet and is not the school's named SIP.",
        )
    try:
        with transaction.atomic():
            row = CopiedIn.objects.create(deployment=deployment, user=person, added_by=actor)
    except IntegrityError as clash:  # added by someone else at the same moment
        raise field_error("person", f"{person} is already copied in.") from clash
    event_record(
        actor=actor,
        subject=deployment,
        verb="deployment.copied_in",
        summary=f"Copied in {person}",
        data={"user": person.pk},
    )
    return row


@transaction.atomic
def remove_copied_in(*, actor: User, row: CopiedIn) -> None:
    """Stop copying someone in: they no longer receive the agreement's records."""
    deployment = row.deployment
    _require(actor, deployment)
    person = row.user
    deleted, _ = CopiedIn.objects.filter(pk=row.pk).delete()
    if not deleted:
        raise RuleViolation(f"{person} is no longer copied in.", rule="not_copied_in")
    event_record(
        actor=actor,
        subject=deployment,
        verb="deployment.copied_in_removed",
        summary=f"Stopped copying in {person}",
        data={"user": person.pk},
    )
