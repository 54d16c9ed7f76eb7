"""One transition table per stateful record: from which states, to which state, who may, and what
is recorded (docs/transitions.md, "Mechanism").

Each app keeps its tables in ``<app>/transitions.py``. A service asks its table whether the
person may act (``require_permitted``, 403) and whether the record's state allows it
(``require_source``, 409), does its own checks and writes, then calls ``apply``, which sets the
state the table names, saves it and records the table's event. Views, templates and the API ask
the same table what a person may do now (``may``, ``allowed``), so no rule is written twice.

A row whose ``target`` is ``None`` is an action allowed in its source states that leaves the state
as it is (e.g. approaching a leader while a request is shortlisted). A row whose ``may`` is
``None`` is automatic: it follows from another step (e.g. the last leader answering an approach)
and is never offered to anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models

from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event

if TYPE_CHECKING:
    from syslead.accounts.models import User

M = TypeVar("M", bound=models.Model)

#: Who may take a step: the person and the record, answering without raising.
Who = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    """One row of a table."""

    #: The step's name, unique in its table (what services and views ask for).
    name: str
    #: The states the record may be in for the step.
    sources: frozenset[str]
    #: The state the step leaves the record in; ``None``: it stays as it is.
    target: str | None
    #: Who may take the step; ``None``: nobody chooses it, it follows another step.
    may: Who | None
    #: In words, for the documentation: who may.
    who: str
    #: The event verb recorded (on the record, or the subject the service names).
    records: str
    #: What the step does, as in "you cannot ... now".
    action: str
    #: The rule code when the state refuses the step; empty: the table's.
    rule: str = ""

    @property
    def automatic(self) -> bool:
        return self.may is None


def step(
    name: str,
    sources: Iterable[str],
    target: str | None,
    *,
    may: Who | None,
    who: str,
    records: str,
    action: str,
    rule: str = "",
) -> Transition:
    """A row, with its sources as a frozen set of plain strings."""
    return Transition(
        name=name,
        sources=frozenset(str(s) for s in sources),
        target=None if target is None else str(target),
        may=may,
        who=who,
        records=records,
        action=action,
        rule=rule,
    )


class TransitionTable(Generic[M]):
    """The transitions of one record's state field."""

    def __init__(
        self,
        *,
        record: str,
        field: str,
        choices: type[models.TextChoices],
        rule: str,
        transitions: Iterable[Transition],
        refusal: Callable[[M], None] | None = None,
    ) -> None:
        self.record = record
        self.field = field
        self.choices = choices
        #: The rule code a refused state carries (409).
        self.rule = rule
        #: Run when the state refuses a step, before the row's own refusal: it may raise a more
        #: telling one (an agreement that is over is read-only, whatever is asked).
        self.refusal = refusal
        self._rows: dict[str, Transition] = {}
        for row in transitions:
            if row.name in self._rows:
                raise ValueError(f"Two transitions named {row.name!r} for {record}.")
            named = row.sources | ({row.target} if row.target is not None else set())
            unknown = named - {str(v) for v in choices.values}
            if unknown:
                raise ValueError(f"{record}: {row.name} names unknown states {sorted(unknown)}.")
            self._rows[row.name] = row

    def __getitem__(self, name: str) -> Transition:
        return self._rows[name]

    def __iter__(self) -> Iterator[Transition]:
        return iter(self._rows.values())

    def state(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, obj: M) -> str:
        """The state as people read it ("Leader chosen"): a refusal quotes it, since not every
        label reads well inside a sentence ("the request is leader chosen")."""
        return str(self.choices(self.state(obj)).label)

    # --- What a person may do now ---------------------------------------------------------------

    def in_source(self, name: str, obj: M) -> bool:
        """Whether the record's state allows the step (whoever asks)."""
        return self.state(obj) in self._rows[name].sources

    def permitted(self, name: str, user: User, obj: M) -> bool:
        """Whether the person is one who may take the step (whatever the state)."""
        row = self._rows[name]
        return row.may is not None and row.may(user, obj)

    def may(self, name: str, user: User, obj: M) -> bool:
        """Whether the person may take the step now."""
        return self.in_source(name, obj) and self.permitted(name, user, obj)

    def allowed(self, user: User, obj: M, among: Iterable[str] | None = None) -> frozenset[str]:
        """The names of every step the person may take now (of ``among`` only, when given: a page
        that offers a few steps asks only about those)."""
        names = self._rows if among is None else among
        return frozenset(name for name in names if self.may(name, user, obj))

    # --- For services -----------------------------------------------------------------------------

    def require_permitted(self, name: str, user: User, obj: M, message: str) -> None:
        if not self.permitted(name, user, obj):
            raise NotAllowed(message)

    def refusal_message(self, name: str, obj: M) -> str:
        """Why the step cannot be taken in the record's state, in the words a page shows."""
        return (
            f"The {self.record}’s status is “{self.state_label(obj)}”: "
            f"you cannot {self._rows[name].action} now."
        )

    def require_source(self, name: str, obj: M, message: str | None = None) -> Transition:
        """The row, or a RuleViolation (409) when the record's state does not allow it."""
        row = self._rows[name]
        if self.state(obj) not in row.sources:
            if self.refusal is not None:
                self.refusal(obj)
            raise RuleViolation(
                message or self.refusal_message(name, obj), rule=row.rule or self.rule
            )
        return row

    def apply(
        self,
        name: str,
        obj: M,
        *,
        actor: User,
        summary: str,
        data: dict[str, Any] | None = None,
        subject: models.Model | None = None,
        update_fields: Iterable[str] = (),
        record: bool = True,
    ) -> Event | None:
        """Take the step: check the source state, set the target state, save the state and
        ``update_fields`` (the caller set them), and record the table's event on ``subject``
        (the record itself unless given). Returns the event (``record=False``: none, for a caller
        that records the step's event itself, e.g. with a richer verb)."""
        row = self.require_source(name, obj)
        fields = list(update_fields)
        if row.target is not None and self.state(obj) != row.target:
            setattr(obj, self.field, row.target)
            fields.append(self.field)
        if fields:
            if any(f.name == "updated_at" for f in obj._meta.get_fields()):
                fields.append("updated_at")
            obj.save(update_fields=list(dict.fromkeys(fields)))
        if not record:
            return None
        return event_record(
            actor=actor,
            subject=subject if subject is not None else obj,
            verb=row.records,
            summary=summary,
            data=data,
        )

    def bulk_targets(self, name: str) -> tuple[frozenset[str], str]:
        """(sources, target) of an automatic step applied to many rows at once with
        ``QuerySet.update`` (e.g. a request's open approaches withdrawn with it)."""
        row = self._rows[name]
        assert row.target is not None, f"{name} changes no state"
        return row.sources, row.target

    # --- For the documentation --------------------------------------------------------------------

    def as_markdown(self) -> str:
        """The table as docs/transitions.md shows it."""

        def label(value: str) -> str:
            return f"{self.choices(value).label} (`{value}`)"

        lines = [
            "| Step | From | To | Who may | Recorded |",
            "|---|---|---|---|---|",
        ]
        order = [str(v) for v in self.choices.values]
        for row in self:
            sources = ", ".join(label(s) for s in sorted(row.sources, key=order.index))
            target = label(row.target) if row.target is not None else "(unchanged)"
            lines.append(f"| `{row.name}` | {sources} | {target} | {row.who} | `{row.records}` |")
        return "\n".join(lines)
