"""The impact evidence pack, made in the background (docs/ux.md: "Long jobs (imports, batch
allocation, evidence packs) run in the background with visible progress").

A party or the broker asks (``evidence_pack_request``); after the transaction commits a task
(``syslead.evaluation.tasks.build_evidence_pack``) lays the PDF out (``evidence_pack_build``): the
pack shows queued, being made, then ready with its PDF (or failed, with the reason). One pack is in
the making per deployment at a time, and asking again makes a new pack only when the records have
changed since the newest ready one: otherwise that one is the answer.

A pack left queued or being made for ``STALLS_AFTER`` (no worker running, a worker that died)
counts as stalled: asking again marks it failed and starts another.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.evaluation.documents import render_pdf
from syslead.evaluation.evidence import evidence_pack_snapshot
from syslead.evaluation.models import PACK_IN_THE_MAKING, EvidencePack, EvidencePackStatus
from syslead.visits.access import deployment_roles

logger = logging.getLogger(__name__)

#: A pack still queued or being made after this long has stalled.
STALLS_AFTER = dt.timedelta(minutes=10)
#: What people see when the layout fails (the technical reason is kept in ``error``).
FAILED_MESSAGE = "The PDF could not be laid out."


class Asked(StrEnum):
    STARTED = "started"
    IN_THE_MAKING = "in_the_making"
    UP_TO_DATE = "up_to_date"


@dataclass(frozen=True)
class PackAsked:
    pack: EvidencePack
    outcome: Asked


# --- Reads -------------------------------------------------------------------------------------


def packs_of(deployment: Deployment) -> QuerySet[EvidencePack]:
    """The deployment's packs, newest first, without their PDFs (those load only to download)."""
    return (
        EvidencePack.objects.filter(deployment=deployment)
        .defer("pdf")
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )


def latest_pack(deployment: Deployment) -> EvidencePack | None:
    return packs_of(deployment).first()


def ready_packs(deployment: Deployment) -> QuerySet[EvidencePack]:
    return packs_of(deployment).filter(status=EvidencePackStatus.READY)


def is_stalled(pack: EvidencePack, now: dt.datetime | None = None) -> bool:
    """Queued or being made for longer than ``STALLS_AFTER``."""
    if not pack.in_the_making:
        return False
    since = pack.started_at or pack.requested_at
    return (now or timezone.now()) - since > STALLS_AFTER


def is_up_to_date(pack: EvidencePack, deployment: Deployment) -> bool:
    """Whether a pack made now would read the same as ``pack`` (renders the pack's page)."""
    return pack.fingerprint == evidence_pack_snapshot(deployment).fingerprint


def pack_pdf(deployment: Deployment, pack_id: int) -> EvidencePack | None:
    """A ready pack of the deployment with its PDF."""
    return EvidencePack.objects.filter(
        deployment=deployment, pk=pack_id, status=EvidencePackStatus.READY
    ).first()


# --- Writes ------------------------------------------------------------------------------------


def _fail(pack: EvidencePack, *, reason: str, actor: User | None = None) -> None:
    EvidencePack.objects.filter(pk=pack.pk, status__in=PACK_IN_THE_MAKING).update(
        status=EvidencePackStatus.FAILED, error=reason[:2000]
    )
    event_record(
        actor=actor,
        subject=pack,
        verb="evidence_pack.failed",
        summary=f"The evidence pack could not be made: {reason}",
        data={"deployment": pack.deployment_id},
    )


@transaction.atomic
def evidence_pack_request(*, actor: User, deployment: Deployment) -> PackAsked:
    """Ask for the impact evidence pack (docs/rules.md "What makes it better" 9): the parties and
    the broker only; one pack in the making at a time; a new pack only when the records changed."""
    if not deployment_roles(actor, deployment).can_see_evidence_pack:
        raise NotAllowed("Only the agreement's parties and its broker see the evidence pack.")
    # Two people asking at once: the second waits here, then finds the first one's pack.
    Deployment.objects.select_for_update().filter(pk=deployment.pk).first()
    making = packs_of(deployment).filter(status__in=PACK_IN_THE_MAKING).first()
    if making is not None:
        if not is_stalled(making):
            return PackAsked(making, Asked.IN_THE_MAKING)
        _fail(making, reason="It stopped before it was finished.", actor=actor)
    ready = ready_packs(deployment).first()
    if ready is not None and is_up_to_date(ready, deployment):
        return PackAsked(ready, Asked.UP_TO_DATE)
    pack = EvidencePack.objects.create(deployment=deployment, requested_by=actor)
    event_record(
        actor=actor,
        subject=pack,
        verb="evidence_pack.requested",
        summary="Asked for the impact evidence pack",
        data={"deployment": deployment.pk},
    )
    from syslead.evaluation.tasks import build_evidence_pack

    transaction.on_commit(lambda: build_evidence_pack.enqueue(pack.pk))
    return PackAsked(pack, Asked.STARTED)


def evidence_pack_build(pack_id: int) -> EvidencePack:
    """Make a queued pack (the background task): being made, then ready with the PDF, the records
    it covered and when; or failed with the reason, the error raised again for the worker's log.
    A pack that is not queued (made already, or given up as stalled) is left alone."""
    claimed = EvidencePack.objects.filter(pk=pack_id, status=EvidencePackStatus.QUEUED).update(
        status=EvidencePackStatus.RUNNING, started_at=timezone.now()
    )
    pack = EvidencePack.objects.defer("pdf").select_related("deployment").get(pk=pack_id)
    if not claimed:
        return pack
    try:
        snapshot = evidence_pack_snapshot(pack.deployment)
        pdf = render_pdf(snapshot.html)
    except Exception as error:  # the pack must show that it failed, whatever happened
        logger.exception("Evidence pack %s could not be made", pack_id)
        with transaction.atomic():
            _fail(pack, reason=f"{FAILED_MESSAGE} ({type(error).__name__}: {error})")
        raise
    with transaction.atomic():
        made = EvidencePack.objects.filter(pk=pack_id, status=EvidencePackStatus.RUNNING).update(
            status=EvidencePackStatus.READY,
            pdf=pdf,
            size=len(pdf),
            fingerprint=snapshot.fingerprint,
            covered=snapshot.covered,
            built_at=snapshot.generated_at,
            error="",
        )
        if made:
            event_record(
                actor=None,
                subject=pack,
                verb="evidence_pack.ready",
                summary="The impact evidence pack is ready",
                data={"deployment": pack.deployment_id, "size": len(pdf)},
            )
    pack.refresh_from_db(fields=["status", "size", "fingerprint", "covered", "built_at", "error"])
    return pack
