"""Precomputed leader facts: each organisation's leaders, as the matching engine's ``LeaderTable``,
built once and kept until one of their inputs changes (docs/rules.md, "Matching", "Precomputed
leader facts").

A shortlist weighs every leader associated with the request's organisation: a hub's 1,300-1,800.
Reading and shaping their facts (``facts.leader_facts_for``) and building the engine's columns
cost far more than judging them, and they change seldom (a designation, a release agreement, an
agreement signed), while shortlists are read often. So a process keeps, per organisation and
academic year, the table it built (with the organisation's matching weights and broker agreement:
``OrganisationFacts``), under the **facts version** it read just before building it;
each shortlist reads the version (one query of a dozen tiny rows) and builds the table again only
when it has changed. Leaders lent for one request by a commission are few: they are read afresh
each time and added to the organisation's table.

The version
    ``LeaderFactsVersion``: one row per table that the facts are read from, holding a random token.
    A database trigger on each of those tables replaces the table's token whenever a statement
    inserts, updates (the columns read, for the leaders' users and home schools) or deletes rows,
    in the writing transaction. The version is every (table, token) row, in order.

Why triggers, not bumps in the services
    Nothing may be local to one process (several serve the site), and no writer may be missed: the
    facts come from sixteen tables written by services of seven areas, by the admin, by
    ``QuerySet.update`` and ``bulk_create`` (the register's import, the outcomes tally's recount,
    the demo and the benchmarks) and by data migrations. A trigger sees every one of them, on
    SQLite and on PostgreSQL alike, with no call to forget; a signal sees none of the bulk writes.
    The tables are named where their meaning lives: the leaders' columns below
    (``facts._LEADER_COLUMNS``), the capacity ledger's (``ledger.remaining_days_sources``) and the
    outcome sources' (``outcomes.outcome_tables``). The triggers are (re)installed after every
    ``migrate`` (the ``post_migrate`` signal, so a test database built without migrations has them
    too).

Why a random token, not a counter
    A writer's transaction that rolls back restores the old token; a counter would then hand the
    same number to the next change, and a process that read the rolled-back version (its own
    transaction's, before the rollback) would serve facts that never existed under it. A random
    64-bit token is not reused.

Why correct under concurrent writes
    The version is read before the facts, each statement seeing what was committed when it began:
    facts built after a change committed are kept under an older version at worst, and built
    again on the next call. Facts are never kept under a version newer than they are.

The cost
    Each watched table's row is locked by a writing transaction until it commits, so two writers
    of the same table (two agreements signed at once) wait for each other's commit; on PostgreSQL
    the trigger runs once per statement, on SQLite once per row. Any change invalidates every
    organisation's tables in every process (simple, never stale; such writes are rare beside
    reads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model

from syslead.brokering.engine import LeaderTable, Weights
from syslead.brokering.facts import (
    _LEADER_COLUMNS,
    BrokerAgreementFacts,
    associated_leaders,
    broker_agreement_facts,
    leader_facts_for,
)
from syslead.brokering.models import LeaderFactsVersion, MatchingWeights
from syslead.brokering.outcomes import outcome_sources, outcome_tables
from syslead.capacity.ledger import remaining_days_sources
from syslead.leaders.models import (
    AgreementSignature,
    Association,
    BrokerAgreement,
    Designation,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    Specialism,
)
from syslead.organisations.models import Organisation

#: Organisations' tables kept per process (the least recently used goes first).
MEMO_SIZE = 64

_TRIGGER_PREFIX = "syslead_lfv_"
_FUNCTION = "syslead_leader_facts_changed"


@dataclass(frozen=True)
class Watched:
    """A table the facts are read from, and the columns whose updates change them (None: any
    change, inserts and deletes too; else updates of those columns only: the leaders' users and
    home schools, whose rows come and go with the leaders' own)."""

    table: str
    columns: tuple[str, ...] | None = None


def _joined_columns() -> dict[type[Model], set[str]]:
    """{model: its columns} read through ``facts._LEADER_COLUMNS`` (``home_school__name``: the
    profile's ``home_school_id`` and the school's ``name``)."""
    found: dict[type[Model], set[str]] = {}
    for lookup in _LEADER_COLUMNS:
        model: type[Model] = LeaderProfile
        for part in lookup.split("__"):
            field = model._meta.get_field(part)
            found.setdefault(model, set()).add(str(field.column))  # type: ignore[union-attr]
            if field.is_relation:
                model = field.related_model  # type: ignore[assignment]
    return found


def watched() -> list[Watched]:
    """Every table the leader facts, the organisation's leaders, its weights and its broker
    agreement are read from."""
    whole: list[type[Model]] = [
        MatchingWeights,
        BrokerAgreement,
        AgreementSignature,
        LeaderProfile,
        LeaderProfile.specialisms.through,
        Specialism,
        LeaderPhase,
        Designation,
        DesignationType,
        Association,
        *remaining_days_sources(),
        *outcome_tables(),
    ]
    found = {m._meta.db_table: Watched(m._meta.db_table) for m in whole}
    joined = _joined_columns()
    # The broker agreement's words name the organisation.
    joined.setdefault(Organisation, set()).add(Organisation._meta.get_field("name").column)
    for model, columns in joined.items():
        table = model._meta.db_table
        if table not in found:
            found[table] = Watched(table, tuple(sorted(columns)))
    return sorted(found.values(), key=lambda w: w.table)


def _pg_trigger(table: str) -> str:
    return f"{_TRIGGER_PREFIX}{table}"[:63]


def _trigger_sql(vendor: str, items: list[Watched]) -> Iterator[str]:
    version = LeaderFactsVersion._meta.db_table
    if vendor == "postgresql":
        yield (
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
            f"BEGIN INSERT INTO {version} (source, token) "
            "VALUES (TG_TABLE_NAME, floor(random() * 9007199254740992)::bigint) "
            "ON CONFLICT (source) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
        )
        for item in items:
            name = _pg_trigger(item.table)
            events = (
                "INSERT OR DELETE OR TRUNCATE OR UPDATE"
                if item.columns is None
                else "UPDATE OF " + ", ".join(f'"{c}"' for c in item.columns)
            )
            yield f'DROP TRIGGER IF EXISTS {name} ON "{item.table}"'
            yield (
                f'CREATE TRIGGER {name} AFTER {events} ON "{item.table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            )
    elif vendor == "sqlite":
        for item in items:
            each: list[tuple[str, str]] = (
                [("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE")]
                if item.columns is None
                else [("upd", "UPDATE OF " + ", ".join(f'"{c}"' for c in item.columns))]
            )
            for suffix, event in each:
                name = f"{_TRIGGER_PREFIX}{item.table}_{suffix}"
                yield f'DROP TRIGGER IF EXISTS "{name}"'
                yield (
                    f'CREATE TRIGGER "{name}" AFTER {event} ON "{item.table}" BEGIN '  # noqa: S608
                    f"INSERT OR REPLACE INTO {version} (source, token) "
                    f"VALUES ('{item.table}', random()); END"
                )
    else:  # pragma: no cover - Syslead runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"No facts version triggers for {vendor}")


def install_triggers(using: str = "default") -> None:
    """Create (or replace) the triggers that keep the facts version, on the watched tables that
    exist (idempotent); with no version table (brokering migrated back to before it), remove
    them, or every write to a watched table would fail."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    items = [w for w in watched() if w.table in tables]
    with connection.cursor() as cursor:
        if LeaderFactsVersion._meta.db_table not in tables:
            for sql in _drop_sql(connection.vendor, items):
                cursor.execute(sql)
            return
        for sql in _trigger_sql(connection.vendor, items):
            cursor.execute(sql)


def _drop_sql(vendor: str, items: list[Watched]) -> Iterator[str]:
    for item in items:
        if vendor == "postgresql":
            yield f'DROP TRIGGER IF EXISTS {_pg_trigger(item.table)} ON "{item.table}"'
        else:
            for suffix in ("ins", "upd", "del"):
                yield f'DROP TRIGGER IF EXISTS "{_TRIGGER_PREFIX}{item.table}_{suffix}"'


def on_post_migrate(sender: Any, *, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (connected for the brokering app only: once per run)."""
    install_triggers(using)


def facts_version(using: str = "default") -> tuple[tuple[str, int], ...]:
    """Every watched table's token, in order (one query)."""
    table = LeaderFactsVersion._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT source, token FROM {table} ORDER BY source")  # noqa: S608
        return tuple(cursor.fetchall())


@dataclass(frozen=True)
class OrganisationFacts:
    """What every shortlist of an organisation's requests in one academic year shares."""

    #: The leaders with a live association with the organisation, as the engine's table.
    table: LeaderTable
    #: Their ids.
    ids: frozenset[int]
    #: The organisation's matching weights.
    weights: Weights
    #: Its current broker agreement in words, and who has not signed it.
    broker: BrokerAgreementFacts


_memo: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], OrganisationFacts]] = OrderedDict()
_lock = threading.Lock()


def organisation_table(
    organisation_id: int, academic_year: str, using: str = "default"
) -> tuple[LeaderTable, frozenset[int]]:
    """The organisation's leaders as the engine's table, and their ids (``organisation_facts``)."""
    found = organisation_facts(organisation_id, academic_year, using)
    return found.table, found.ids


def organisation_facts(
    organisation_id: int, academic_year: str, using: str = "default"
) -> OrganisationFacts:
    """The organisation's leaders, weights and broker agreement for the academic year: the
    process's copy while the facts version is unchanged, else read afresh (and kept)."""
    connection = connections[using]
    key = (
        using,
        str(connection.settings_dict.get("NAME")),
        organisation_id,
        academic_year,
        outcome_sources(),
    )
    version = facts_version(using)
    with _lock:
        kept = _memo.get(key)
        if kept is not None and kept[0] == version:
            _memo.move_to_end(key)
            return kept[1]
    leaders = leader_facts_for(
        associated_leaders(organisation_id).order_by().values("id"), academic_year
    )
    found = OrganisationFacts(
        table=LeaderTable(leaders),
        ids=frozenset(x.id for x in leaders),
        weights=Weights.for_organisation(organisation_id),
        broker=broker_agreement_facts(organisation_id),
    )
    with _lock:
        _memo[key] = (version, found)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return found


def forget() -> None:
    """Drop every table this process keeps (they are built again when next needed)."""
    with _lock:
        _memo.clear()
