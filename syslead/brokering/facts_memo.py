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
    On PostgreSQL, ``LeaderFactsChange``: an append-only log. A database trigger on each of the
    tables the facts are read from appends a row with a random weight whenever a statement
    inserts, updates (the columns read, for the leaders' users and home schools) or deletes rows,
    in the writing transaction. The version is the sum of the weights committed, modulo 2**62:
    every committed change adds to it, a rolled-back one never does. Every ``COMPACT_AFTER`` rows
    appended, the trigger folds the log into one row of the same sum (one statement, so every
    reader sees the sum before or after, equal; one transaction at a time, by an advisory lock
    tried without waiting), so reading the version stays one small query. On SQLite, which lets
    one writer at a time, ``LeaderFactsVersion``: one row per table holding a random token that
    the table's trigger replaces; the version is every (table, token) row, in order.

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

Why random, not a counter
    A process may read the version inside a transaction that has written (its own change counted)
    and keep its facts under it; if that transaction rolls back, a counter would hand the same
    number to the next change by anyone else, and the process would serve facts that never
    existed under it. Random weights (and SQLite's random tokens) are not reused: two different
    sets of changes share a sum with a chance of one in 2**62.

Why correct under concurrent writes
    The version is read before the facts, each statement seeing what was committed when it began:
    facts built after a change committed are kept under an older version at worst, and built
    again on the next call. Facts are never kept under a version newer than they are.

Why a log on PostgreSQL
    A row per table, replaced by each writer, was locked by the writing transaction until it
    committed: two writers of one watched table waited for each other, and two transactions
    writing two watched tables in opposite orders deadlocked (PostgreSQL then aborts one: an error
    for the person). Appending takes no lock that another writer waits for.

The cost
    On PostgreSQL one small insert per writing statement and, now and then, a fold of the log;
    on SQLite one upsert per row written. Any change invalidates every organisation's tables in
    every process (simple, never stale; such writes are rare beside reads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import Model

from syslead.brokering.engine import LeaderTable, Weights
from syslead.brokering.facts import (
    _LEADER_COLUMNS,
    BrokerAgreementFacts,
    associated_leaders,
    broker_agreement_facts,
    leader_facts_for,
)
from syslead.brokering.models import LeaderFactsChange, LeaderFactsVersion, MatchingWeights
from syslead.brokering.outcomes import outcome_sources, outcome_tables
from syslead.brokering.vocabulary import specialism_labels
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
#: PostgreSQL: the version is the log's sum modulo this; each weight is below it.
MODULUS = 2**62
#: PostgreSQL: the trigger that appends a row whose id is a multiple of this folds the log.
COMPACT_AFTER = 256
#: The advisory lock that lets one transaction at a time fold the log.
_FOLD_LOCK = 7_263_514_270_016
#: The fold: one statement, so that a reader sees the rows before or the row after, of the same
#: sum; rows appended by transactions not yet committed are left.
_FOLD_SQL = (
    f"WITH gone AS (DELETE FROM {LeaderFactsChange._meta.db_table} RETURNING weight) "  # noqa: S608
    f"INSERT INTO {LeaderFactsChange._meta.db_table} (weight) "
    f"SELECT sum(weight) % {MODULUS} FROM gone HAVING count(*) > 0"
)


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
        log = LeaderFactsChange._meta.db_table
        yield (
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
            "DECLARE appended bigint; BEGIN "
            f"INSERT INTO {log} (weight) VALUES (floor(random() * {MODULUS})::bigint) "
            "RETURNING id INTO appended; "
            f"IF appended % {COMPACT_AFTER} = 0 AND pg_try_advisory_xact_lock({_FOLD_LOCK}) THEN "
            f"{_FOLD_SQL}; END IF; RETURN NULL; END $$"
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
        raise ImproperlyConfigured(
            f"Syslead runs on SQLite or PostgreSQL (DATABASE_URL), not on {vendor}: matching keeps "
            "its leaders' facts by database triggers written for those two."
        )


def install_triggers(using: str = "default") -> None:
    """Create (or replace) the triggers that keep the facts version, on the watched tables that
    exist (idempotent); with no version table (brokering migrated back to before it), remove
    them, or every write to a watched table would fail."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    items = [w for w in watched() if w.table in tables]
    with connection.cursor() as cursor:
        if _version_table(connection.vendor) not in tables:
            for sql in _drop_sql(connection.vendor, items):
                cursor.execute(sql)
            return
        for sql in _trigger_sql(connection.vendor, items):
            cursor.execute(sql)


def _version_table(vendor: str) -> str:
    """The table the triggers write: the log on PostgreSQL, the token rows on SQLite."""
    model = LeaderFactsChange if vendor == "postgresql" else LeaderFactsVersion
    return str(model._meta.db_table)


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


def facts_version(using: str = "default") -> tuple[Any, ...]:
    """The facts version (one query): on PostgreSQL the log's sum modulo ``MODULUS``, on SQLite
    every watched table's token, in order."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            table = LeaderFactsVersion._meta.db_table
            cursor.execute(f"SELECT source, token FROM {table} ORDER BY source")  # noqa: S608
            return tuple(cursor.fetchall())
        log = LeaderFactsChange._meta.db_table
        cursor.execute(f"SELECT coalesce(sum(weight), 0) % {MODULUS} FROM {log}")  # noqa: S608
        (total,) = cursor.fetchone()
    return (int(total),)


def fold_log(using: str = "default") -> bool:
    """PostgreSQL: replace the log's rows by one row of their sum modulo ``MODULUS`` (the version
    unchanged), unless another transaction is folding it (then False). The triggers do this every
    ``COMPACT_AFTER`` rows appended, in the writing transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_FOLD_LOCK])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(_FOLD_SQL)
    return True


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
    #: Specialism code → label, built in and the organisation's own (the request page's words;
    #: ``Specialism`` is a watched table).
    specialism_labels: dict[str, str]


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
        specialism_labels=specialism_labels(organisation_id),
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
