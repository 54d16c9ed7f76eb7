"""Record and read the audit trail (see ``core.models.Event``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from syslead.core.models import Event

if TYPE_CHECKING:
    from syslead.accounts.models import User


def event_record(
    *,
    actor: User | None,
    subject: models.Model,
    verb: str,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one timeline row; call it inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=user,
        verb=verb,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        summary=summary[:300],
        data=data or {},
    )


def events_for(subject: models.Model) -> QuerySet[Event]:
    """The timeline of one record, oldest first."""
    return Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).select_related("actor")


# --- Who reads which kind of event on a deployment's timeline -----------------------------------

#: The hats a person may wear on a deployment, as the deployments area's access rule names them.
ADMINISTRATOR = "administrator"
LEADER = "leader"
CLIENT_HEAD = "client_head"
HOME_HEAD = "home_head"
COORDINATOR = "coordinator"
BROKER_LEAD = "broker_lead"
SIP = "sip"
EVERYONE = frozenset({ADMINISTRATOR, LEADER, CLIENT_HEAD, HOME_HEAD, COORDINATOR, BROKER_LEAD, SIP})
BROKER = frozenset({ADMINISTRATOR, COORDINATOR, BROKER_LEAD})

#: The audience of each kind of event on a deployment's timeline, by the verb or its prefix (the
#: longest match wins); a kind not listed is read by everyone who may see the deployment's
#: records. Money (invoices, amounts) is read by the broker and the schools that issue or pay it,
#: never by the leader, who is never paid individually, nor the SIP; a concern only by the
#: broker's coordinators (the raiser and the named person read it on the concern itself); the
#: final report's steps before approval only by its author's side and the broker; a coordinator's
#: reminder (``chase.``) by the broker and the parties it reminds, not the SIP.
EVENT_AUDIENCES: dict[str, frozenset[str]] = {
    "invoice.": BROKER | {HOME_HEAD, CLIENT_HEAD},
    # What the broker paid the leader's school: the broker and that school only.
    "remittance.": BROKER | {HOME_HEAD},
    "concern.": frozenset({ADMINISTRATOR, COORDINATOR}),
    "final_report.": BROKER | {LEADER},
    "final_report.approved": EVERYONE,
    # A coordinator's reminder is read by the broker and by whom it reminds.
    "chase.": BROKER,
    "chase.visit_note": BROKER | {CLIENT_HEAD},
    "chase.feedback": BROKER | {CLIENT_HEAD},
    "chase.no_visit": BROKER | {LEADER, CLIENT_HEAD},
    "chase.signature": BROKER | {LEADER, HOME_HEAD, CLIENT_HEAD},
}

#: Event kinds whose audience also depends on the record the event is about (an invoice is read
#: only by the schools that issue or pay it): the deployments area's access rule asks the record's
#: own rule, after the kind's audience admits the person.
PER_RECORD_KINDS = ("invoice.",)


def event_audience(verb: str) -> frozenset[str]:
    """The hats that read an event of this kind on a deployment's timeline."""
    best = ""
    for key in EVENT_AUDIENCES:
        if (verb == key or (key.endswith(".") and verb.startswith(key))) and len(key) > len(best):
            best = key
    return EVENT_AUDIENCES[best] if best else EVERYONE


def read_by_all(verb: str, hats: frozenset[str]) -> bool:
    """Whether every one of ``hats`` reads this kind of event (a document many people receive,
    such as the evidence pack, shows only such events)."""
    return hats <= event_audience(verb)
