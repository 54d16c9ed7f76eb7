"""Importing a broker's system leaders from a table (the API contract, version 1.1).

All or nothing: every row is checked and tried through the leaders' and accounts' own services (so
the rules stay in one place): a row for an existing leader in its own savepoint, the rows for new
leaders together through the leaders' bulk service (the same rules, in a fixed number of queries).
If any row is refused, or for a dry run, the whole import is rolled back and nothing is written.
A row whose e-mail belongs to an existing leader updates that leader; a row that changes nothing is
reported ``unchanged``, so importing the same file twice changes nothing the second time. Each
leader is associated with the importing organisation; a leader the organisation does not work with
(an LLE associated with another organisation among them) is refused: such a leader joins by
accepting an invitation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import Role, User
from syslead.accounts.services import RoleSpec, user_create
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.imports.rows import (
    LeaderRow,
    Rejection,
    designation_types,
    header_problem,
    lower_first,
    read_leader_row,
    refusal_reason,
)
from syslead.leaders import services as leader_services
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import (
    Association,
    Designation,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.permissions import may_coordinate, may_manage_leader
from syslead.leaders.release_policy import holds_exclusive_designation
from syslead.leaders.services._helpers import check_specialisms
from syslead.organisations.models import Organisation
from syslead.schools.models import School

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class ImportedLeader:
    line: int
    id: int | None
    email: str
    outcome: str
    name: str = ""


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a refused file, would do)."""

    dry_run: bool
    leaders: list[ImportedLeader] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.rejected

    def count(self, outcome: str) -> int:
        return sum(1 for leader in self.leaders if leader.outcome == outcome)

    @property
    def detail(self) -> str:
        bad = len(self.rejected)
        return (
            f"{bad} row{'s' if bad != 1 else ''} cannot be imported, so nothing was imported: "
            "correct every row listed and import the file again."
        )


@dataclass
class _Known:
    """What the leaders named in the file already have, read in a fixed number of queries, so a
    row that changes nothing is told apart without a query of its own."""

    manageable: set[int] = field(default_factory=set)
    specialisms: dict[int, set[str]] = field(default_factory=dict)
    phases: dict[int, set[str]] = field(default_factory=dict)
    designations: dict[tuple[int, str], dt.date] = field(default_factory=dict)
    associated: set[int] = field(default_factory=set)
    releases: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    @classmethod
    def read(cls, actor: User, organisation: Organisation, leader_ids: list[int]) -> _Known:
        known = cls()
        if not leader_ids:
            return known
        through = LeaderProfile.specialisms.through
        for leader_id, code in through.objects.filter(leaderprofile_id__in=leader_ids).values_list(
            "leaderprofile_id", "specialism__code"
        ):
            known.specialisms.setdefault(leader_id, set()).add(code)
        for leader_id, phase in LeaderPhase.objects.filter(leader_id__in=leader_ids).values_list(
            "leader_id", "phase"
        ):
            known.phases.setdefault(leader_id, set()).add(phase)
        for leader_id, code, on in Designation.objects.filter(
            leader_id__in=leader_ids, status__in=LIVE_DESIGNATION_STATUSES
        ).values_list("leader_id", "type__code", "designated_on"):
            known.designations[(leader_id, code.upper())] = on
        live = Association.objects.filter(leader_id__in=leader_ids, is_live=True)
        known.associated = set(
            live.filter(organisation=organisation).values_list("leader_id", flat=True)
        )
        for leader_id, year, days in ReleaseAgreement.objects.filter(
            leader_id__in=leader_ids
        ).values_list("leader_id", "academic_year", "days"):
            known.releases[(leader_id, year)] = days
        known.manageable = _manageable(actor, leader_ids)
        return known

    def unchanged(self, row: LeaderRow, leader: LeaderProfile) -> bool:
        """Whether the row says exactly what is already recorded for a leader the organisation
        manages (anything else goes through the services)."""
        pk = leader.pk
        if pk not in self.manageable or pk not in self.associated:
            return False
        if (row.job_title, row.home_school) != (leader.job_title, leader.home_school_id):
            return False
        if set(_codes(row.specialisms)) != self.specialisms.get(pk, set()):
            return False
        if set(row.phases) != self.phases.get(pk, set()):
            return False
        if row.designation and (
            self.designations.get((pk, row.designation.upper())) != row.designated_on
        ):
            return False
        return row.release_days is None or (
            row.academic_year is not None
            and self.releases.get((pk, row.academic_year.label)) == row.release_days
        )


def _codes(codes: Sequence[str]) -> list[str]:
    """Specialism codes as the services read them ("SEND" is send, "early-years" early_years)."""
    return ["_".join(str(c).strip().lower().replace("-", " ").split()) for c in codes]


def _manageable(actor: User, leader_ids: list[int]) -> set[int]:
    """The leaders the actor manages as a coordinator: the rule of ``may_manage_leader`` (an
    organisation concerned with the leader is one the actor coordinates), for many at once."""
    if is_administrator(actor):
        return set(leader_ids)
    coordinated = coordinated_organisation_ids(actor)
    ids = set(
        Association.objects.filter(
            leader_id__in=leader_ids, is_live=True, organisation_id__in=coordinated
        ).values_list("leader_id", flat=True)
    )
    ids |= set(
        Designation.objects.filter(
            leader_id__in=leader_ids,
            status__in=LIVE_DESIGNATION_STATUSES,
            organisation_id__in=coordinated,
        ).values_list("leader_id", flat=True)
    )
    ids |= set(
        LeaderProfile.objects.filter(
            pk__in=leader_ids, created_by_organisation_id__in=coordinated
        ).values_list("pk", flat=True)
    )
    return ids


class _Importer:
    """Runs the rows through the services inside the import's transaction."""

    def __init__(self, actor: User, organisation: Organisation, known: _Known) -> None:
        self.actor = actor
        self.organisation = organisation
        self.known = known
        self.today = timezone.localdate()

    def run(
        self, row: LeaderRow, leader: LeaderProfile | None, user: User | None
    ) -> ImportedLeader:
        changed = False
        if leader is None:
            if user is None:
                user = user_create(
                    actor=self.actor,
                    email=row.email,
                    name=row.name,
                    roles=[RoleSpec(role=Role.SYSTEM_LEADER)],
                )
            leader = leader_services.leader_create(
                actor=self.actor,
                user=user,
                home_school_urn=row.home_school,
                job_title=row.job_title,
                specialisms=row.specialisms,
                phases=row.phases,
                organisation=self.organisation,
            )
            outcome = CREATED
        else:
            if not may_manage_leader(self.actor, leader):
                raise RuleViolation(_not_ours(leader), rule="leader_of_another_organisation")
            changed = self._update_profile(row, leader)
            outcome = UNCHANGED
        changed |= self._designate(row, leader)
        changed |= self._associate(leader)
        changed |= self._release(row, leader)
        if outcome == UNCHANGED and changed:
            outcome = UPDATED
        return ImportedLeader(row.line, leader.pk, row.email, outcome, leader.name)

    def _update_profile(self, row: LeaderRow, leader: LeaderProfile) -> bool:
        fields: dict[str, Any] = {}
        if row.job_title != leader.job_title:
            fields["job_title"] = row.job_title
        if row.home_school != leader.home_school_id:
            fields["home_school_urn"] = row.home_school
        errors = FieldErrors()
        wanted = {s.code for s in check_specialisms(row.specialisms, self._org_ids(leader), errors)}
        errors.raise_if_any()
        if wanted != set(leader.specialisms.values_list("code", flat=True)):
            fields["specialisms"] = row.specialisms
        phases = set(LeaderPhase.objects.filter(leader=leader).values_list("phase", flat=True))
        if set(row.phases) != phases:
            fields["phases"] = row.phases
        if fields:
            leader_services.leader_update(actor=self.actor, leader=leader, **fields)
        return bool(fields)

    def _org_ids(self, leader: LeaderProfile) -> set[int]:
        from syslead.leaders.permissions import leader_organisation_ids

        return leader_organisation_ids(leader) | {self.organisation.pk}

    def _designate(self, row: LeaderRow, leader: LeaderProfile) -> bool:
        if not row.designation or row.designated_on is None:
            return False
        designation_type = leader_services.designation_type_for_code(
            row.designation, self.organisation
        )
        held = Designation.objects.filter(
            leader=leader, type=designation_type, status__in=LIVE_DESIGNATION_STATUSES
        ).first()
        if held is not None:
            if held.designated_on != row.designated_on:
                raise RuleViolation(
                    f"already holds the {designation_type.code} designation, designated on "
                    f"{held.designated_on.isoformat()}: the import does not change a designation's "
                    "date",
                    rule="already_designated",
                )
            return False
        leader_services.designation_create(
            actor=self.actor,
            leader=leader,
            type_code=designation_type.code,
            designated_on=row.designated_on,
            organisation=self.organisation,
        )
        return True

    def _associate(self, leader: LeaderProfile) -> bool:
        if Association.objects.filter(
            leader=leader, organisation=self.organisation, is_live=True
        ).exists():
            return False
        leader_services.association_create(
            actor=self.actor, leader=leader, organisation=self.organisation, starts_on=self.today
        )
        return True

    def _release(self, row: LeaderRow, leader: LeaderProfile) -> bool:
        if row.release_days is None or row.academic_year is None:
            return False
        held = ReleaseAgreement.objects.filter(
            leader=leader, academic_year=row.academic_year.label
        ).first()
        if held is not None and held.days == row.release_days:
            return False
        leader_services.release_set(
            actor=self.actor,
            leader=leader,
            academic_year=row.academic_year,
            days=row.release_days,
            agreed_on=self.today,
        )
        return True


def _not_ours(leader: LeaderProfile) -> str:
    """Why a leader the organisation does not work with is refused, naming no other
    organisation."""
    if holds_exclusive_designation(leader):
        return (
            "an LLE associated with another organisation: an LLE may be associated with only one "
            "organisation at a time"
        )
    return (
        "this e-mail address belongs to a system leader your organisation does not work with: "
        "they join it by accepting your invitation, not by an import"
    )


def _create_new(
    actor: User,
    organisation: Organisation,
    rows: list[LeaderRow],
    users: dict[str, User],
    report: ImportReport,
) -> None:
    """The rows for people who are not yet leaders, added together (the leaders' bulk service:
    the same rules as adding them one at a time, in a fixed number of queries)."""
    outcome = leader_services.leaders_create_many(
        actor=actor,
        organisation=organisation,
        new=[
            leader_services.NewLeader(
                email=row.email,
                name=row.name,
                home_school_urn=row.home_school,
                job_title=row.job_title,
                specialisms=row.specialisms,
                phases=row.phases,
                designation=row.designation,
                designated_on=row.designated_on,
                release_days=row.release_days,
                academic_year=row.academic_year,
                user=users.get(row.email),
            )
            for row in rows
        ],
    )
    if isinstance(outcome, dict):
        for index, messages in outcome.items():
            reason = "; ".join(_field_message(m) for m in messages)
            report.rejected.append(Rejection(rows[index].line, reason))
        return
    for row, leader in zip(rows, outcome, strict=True):
        report.leaders.append(ImportedLeader(row.line, leader.pk, row.email, CREATED, row.name))


#: The bulk service names fields as the services do; the file's columns are named a little
#: differently.
_COLUMN_FOR_FIELD = {"type": "designation", "days": "release_days", "user": "email"}


def _field_message(message: str) -> str:
    name, _, text = message.partition(": ")
    return f"{_COLUMN_FOR_FIELD.get(name, name)}: {lower_first(text)}"


def leaders_import(
    *,
    actor: User,
    organisation: Organisation,
    table: Sequence[Sequence[str]],
    dry_run: bool = False,
) -> ImportReport:
    """Import leaders for ``organisation``: its coordinators (or an administrator). Every row is
    checked and every bad row reported with its line (the header is line 1); nothing is written
    when any row is bad, nor for a dry run."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may import its leaders.")
    report = ImportReport(dry_run=dry_run)
    if not table or not any(cell.strip() for cell in table[0]):
        report.rejected.append(
            Rejection(1, "The file has no header row: the first row must name the columns.")
        )
        return report
    header = [cell.strip().lstrip("\ufeff").lower() for cell in table[0]]
    problem = header_problem(header)
    if problem:
        report.rejected.append(Rejection(1, problem))
        return report

    types = designation_types(organisation)
    rows: list[LeaderRow] = []
    first_line_of: dict[str, int] = {}
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            report.rejected.append(
                Rejection(index, f"the row has {len(cells)} cells; the header has {len(header)}")
            )
            continue
        padded = list(cells) + [""] * (len(header) - len(cells))
        row = read_leader_row(index, dict(zip(header, padded, strict=False)), types)
        if row.email and row.email in first_line_of:
            row.problems.append(f"email: {row.email} is also on line {first_line_of[row.email]}")
        elif row.email:
            first_line_of[row.email] = index
        rows.append(row)
    if not rows and not report.rejected:
        report.rejected.append(Rejection(1, "The file has a header row but no leaders."))
        return report

    urns = {row.home_school for row in rows if row.home_school}
    known_urns = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
    emails = [row.email for row in rows if row.email]
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    leaders = {
        leader.user.email.lower(): leader
        for leader in LeaderProfile.objects.filter(user__email__in=emails).select_related(
            "user", "home_school"
        )
    }
    known = _Known.read(actor, organisation, [leader.pk for leader in leaders.values()])
    importer = _Importer(actor, organisation, known)
    with transaction.atomic():
        fresh: list[LeaderRow] = []
        for row in rows:
            if row.home_school and row.home_school not in known_urns:
                row.problems.append(
                    f"home_school: no school with URN {row.home_school} in the register"
                )
            if row.problems:
                report.rejected.append(Rejection(row.line, "; ".join(row.problems)))
            elif row.email not in leaders:
                fresh.append(row)
            else:
                leader = leaders[row.email]
                try:
                    if known.unchanged(row, leader):
                        imported = ImportedLeader(row.line, leader.pk, row.email, UNCHANGED)
                    else:
                        with transaction.atomic():
                            imported = importer.run(row, leader, users.get(row.email))
                except (RuleViolation, NotAllowed, ValidationError, IntegrityError, DataError) as e:
                    report.rejected.append(Rejection(row.line, refusal_reason(e)))
                else:
                    report.leaders.append(imported)
        if fresh:
            _create_new(actor, organisation, fresh, users, report)
        report.leaders.sort(key=lambda leader: leader.line)
        report.rejected.sort(key=lambda rejection: rejection.line)
        if report.rejected or dry_run:
            transaction.set_rollback(True)
        else:
            event_record(
                actor=actor,
                subject=organisation,
                verb="leaders.imported",
                summary=f"Imported {len(report.leaders)} system leaders: "
                f"{report.count(CREATED)} created, {report.count(UPDATED)} updated, "
                f"{report.count(UNCHANGED)} unchanged",
                data={
                    "created": report.count(CREATED),
                    "updated": report.count(UPDATED),
                    "unchanged": report.count(UNCHANGED),
                },
            )
    if dry_run or report.rejected:
        # Nothing was kept: the ids of leaders that would be created do not exist.
        report.leaders = [
            ImportedLeader(
                r.line, None if r.outcome == CREATED else r.id, r.email, r.outcome, r.name
            )
            for r in report.leaders
        ]
    return report
