"""Transition tables: one per stateful record, in its own app's ``transitions`` module
(docs/transitions.md).

A table lists every move a record's status can make: the states it starts from, the state it
goes to (or ``None`` for an action allowed only in some states that leaves the status as it is),
who may take it — a predicate on (user, record) built on the record's access module — and what is
recorded (the event's verb). Services take every transition through the table (``perform``), so a
move from the wrong state is refused with a ``RuleViolation`` naming its rule (409 in the API, a
message on the page, never a 5xx); views, templates and the API ask the same table what this
person may do now (``available`` / ``allows``), so a button is shown exactly when the service
would accept it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from syslead.core.exceptions import NotAllowed, RuleViolation

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Transition(Generic[M]):
    """One row of a table.

    ``refused`` is the message when the record is in another state: ``{status}`` is replaced by
    the status's label in lower case. ``forbidden`` is the message for someone ``who`` refuses:
    ``{obj}`` is the record (attributes may be used, e.g. ``{obj.organisation.name}``).
    """

    name: str
    sources: frozenset[str]
    target: str | None
    who: Callable[[Any, M], bool]
    who_words: str
    records: str
    refused: str
    rule: str
    forbidden: str = "You are not allowed to do that."


def transition(
    name: str,
    sources: Iterable[str],
    target: str | None,
    *,
    who: Callable[[Any, M], bool],
    who_words: str,
    records: str,
    refused: str,
    rule: str,
    forbidden: str = "You are not allowed to do that.",
) -> Transition[M]:
    """A row, with its sources as a frozen set of plain strings."""
    return Transition(
        name=name,
        sources=frozenset(str(s) for s in sources),
        target=None if target is None else str(target),
        who=who,
        who_words=who_words,
        records=records,
        refused=refused,
        rule=rule,
        forbidden=forbidden,
    )


class TransitionTable(Generic[M]):
    """The transitions of one record type, by name.

    ``initial`` is the status a new record starts in. ``refusal`` runs when a state check fails,
    before the row's own refusal, and may raise a more telling ``RuleViolation`` (an agreement
    that is over is read-only, whatever is asked). ``touch`` names fields saved with every change
    (``auto_now`` timestamps).
    """

    def __init__(
        self,
        *,
        record: str,
        initial: str,
        transitions: Iterable[Transition[M]],
        refusal: Callable[[M], None] | None = None,
        touch: tuple[str, ...] = (),
        status_field: str = "status",
    ) -> None:
        self.record = record
        self.initial = str(initial)
        self.refusal = refusal
        self.touch = touch
        self.status_field = status_field
        self.transitions: dict[str, Transition[M]] = {}
        for row in transitions:
            if row.name in self.transitions:
                raise ValueError(f"{record}: the transition {row.name!r} is listed twice.")
            self.transitions[row.name] = row

    def __getitem__(self, name: str) -> Transition[M]:
        return self.transitions[name]

    def __iter__(self) -> Any:
        return iter(self.transitions.values())

    def status_of(self, obj: M) -> str:
        return str(getattr(obj, self.status_field))

    # Asking ------------------------------------------------------------------------------------

    def can(self, name: str, obj: M) -> bool:
        """Whether the record's state allows the transition (whoever asks)."""
        return self.status_of(obj) in self[name].sources

    def allows(self, name: str, user: Any, obj: M) -> bool:
        """Whether ``user`` may take the transition on ``obj`` now: its state and who may."""
        return self.can(name, obj) and self[name].who(user, obj)

    def available(self, user: Any, obj: M) -> frozenset[str]:
        """The names of the transitions ``user`` may take on ``obj`` now."""
        status = self.status_of(obj)
        return frozenset(row.name for row in self if status in row.sources and row.who(user, obj))

    # Checking ----------------------------------------------------------------------------------

    def require_who(self, name: str, user: Any, obj: M) -> None:
        """``NotAllowed`` (403) unless ``user`` is someone who may take the transition."""
        row = self[name]
        if not row.who(user, obj):
            raise NotAllowed(row.forbidden.format(obj=obj))

    def require_state(self, name: str, obj: M) -> Transition[M]:
        """``RuleViolation`` (409, with the row's ``rule``) unless ``obj`` is in a source state."""
        row = self[name]
        if self.status_of(obj) not in row.sources:
            if self.refusal is not None:
                self.refusal(obj)
            label = getattr(obj, f"get_{self.status_field}_display")()
            raise RuleViolation(row.refused.format(status=str(label).lower()), rule=row.rule)
        return row

    # Doing -------------------------------------------------------------------------------------

    def perform(self, name: str, obj: M, **fields: Any) -> Transition[M]:
        """Check the state, move ``obj`` to the row's target, set ``fields`` and save them (the
        caller holds the row's lock and has checked who may). Returns the row, whose ``records``
        is the verb of the event the caller writes."""
        row = self.require_state(name, obj)
        if row.target is None:
            raise ValueError(f"{self.record}: {name!r} does not change the status.")
        setattr(obj, self.status_field, row.target)
        for field, value in fields.items():
            setattr(obj, field, value)
        obj.save(update_fields=[self.status_field, *fields, *self.touch])
        return row


__all__ = ["Transition", "TransitionTable", "transition"]
