"""Importing a broker's people (headteachers, school improvement partners, coordinators, broker
leads, system leaders) from a table: each row becomes an invitation through the invitations'
service, so the rules of who may invite whom stay there. All or nothing: every row is checked and
tried; if any is refused, or for a dry run, everything is rolled back and no e-mail is sent (the
e-mails go only once the import commits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from syslead.accounts.models import ORGANISATION_ROLES, Role, User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.imports.files import PEOPLE_COLUMNS
from syslead.imports.rows import Rejection, refusal_reason
from syslead.invitations.services import invitation_send
from syslead.leaders.permissions import may_coordinate
from syslead.organisations.models import Organisation

INVITE, ROLE_ADDED, UNCHANGED = "invite", "role_added", "unchanged"
#: The roles a people import gives (administrators are never imported).
IMPORTED_ROLES = (
    Role.HEADTEACHER,
    Role.SIP,
    Role.COORDINATOR,
    Role.BROKER_LEAD,
    Role.SYSTEM_LEADER,
)
#: Refusals that mean the row is already done: the person holds the role or is invited to it.
_ALREADY = {"invitation_pending", "role_already_held"}


@dataclass(frozen=True)
class ImportedPerson:
    line: int
    email: str
    name: str
    role: str
    school: int | None
    outcome: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class PeopleReport:
    dry_run: bool
    people: list[ImportedPerson] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for person in self.people if person.outcome == outcome)


def _read(line: int, cells: dict[str, str]) -> tuple[ImportedPerson, list[str]]:
    problems: list[str] = []
    email = cells["email"].strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        problems.append(
            "email: enter an e-mail address like name@school.org.uk"
            if email
            else "email: the e-mail address is missing"
        )
    name = " ".join(cells["name"].split())
    if not name:
        problems.append("name: the name is missing")
    role = "_".join(cells["role"].strip().lower().replace("-", " ").split())
    labels = {str(r.label).lower(): str(r.value) for r in IMPORTED_ROLES}
    role = labels.get(role.replace("_", " "), role)
    if role not in {str(r.value) for r in IMPORTED_ROLES}:
        problems.append(
            f"role: '{cells['role'].strip()}' is not a role to import: use "
            + ", ".join(str(r.value) for r in IMPORTED_ROLES)
        )
    urn_text = cells["school"].strip()
    school: int | None = None
    if urn_text:
        if urn_text.isdigit() and len(urn_text) <= 9:
            school = int(urn_text)
        else:
            problems.append(f"school: '{urn_text}' is not a URN (a school's 6-digit number)")
    if role == Role.HEADTEACHER and not urn_text:
        problems.append("school: a headteacher needs their school's URN")
    elif role in ORGANISATION_ROLES | {Role.SYSTEM_LEADER} and urn_text:
        problems.append("school: leave it empty for this role (the school is for headteachers)")
    return ImportedPerson(line, email, name, role, school, ""), problems


def people_import(
    *,
    actor: User,
    organisation: Organisation,
    table: Sequence[Sequence[str]],
    dry_run: bool = False,
    site_url: str = "",
) -> PeopleReport:
    """Invite every person in the table to the organisation (coordinators, broker leads and
    SIPs) or to their school (headteachers): its coordinators. Nothing is written, and nobody is
    e-mailed, when any row is bad or for a dry run."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may import its people.")
    report = PeopleReport(dry_run=dry_run)
    header = [cell.strip().lstrip("\ufeff").lower() for cell in (table[0] if table else [])]
    if sorted(header) != sorted(PEOPLE_COLUMNS):
        report.rejected.append(
            Rejection(
                1, "The header row must name exactly the columns " + ", ".join(PEOPLE_COLUMNS)
            )
        )
        return report
    seen: dict[tuple[str, str, int | None], int] = {}
    with transaction.atomic():
        for line, cells in enumerate(table[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            padded = list(cells) + [""] * (len(header) - len(cells))
            person, problems = _read(line, dict(zip(header, padded, strict=False)))
            key = (person.email, person.role, person.school)
            if key in seen:
                problems.append(f"this person and role are also on line {seen[key]}")
            seen.setdefault(key, line)
            if problems:
                report.rejected.append(Rejection(line, "; ".join(problems)))
                continue
            try:
                with transaction.atomic():
                    outcome = invitation_send(
                        actor=actor,
                        email=person.email,
                        name=person.name,
                        role=person.role,
                        organisation_id=(
                            organisation.pk if person.role in ORGANISATION_ROLES else None
                        ),
                        school_urn=person.school,
                        site_url=site_url,
                    )
            except RuleViolation as refusal:
                if refusal.rule in _ALREADY:
                    report.people.append(_with(person, UNCHANGED))
                else:
                    report.rejected.append(Rejection(line, refusal_reason(refusal)))
            except (NotAllowed, ValidationError) as refusal:
                report.rejected.append(Rejection(line, refusal_reason(refusal)))
            else:
                done = INVITE if outcome.status == "sent" else ROLE_ADDED
                report.people.append(_with(person, done))
        if report.rejected or dry_run:
            transaction.set_rollback(True)
        elif report.people:
            event_record(
                actor=actor,
                subject=organisation,
                verb="people.imported",
                summary=f"Imported {len(report.people)} people: {report.count(INVITE)} invited, "
                f"{report.count(ROLE_ADDED)} given a role",
                data={k: report.count(k) for k in (INVITE, ROLE_ADDED, UNCHANGED)},
            )
    if not report.people and not report.rejected:
        report.rejected.append(Rejection(1, "The file has a header row but nobody under it."))
    return report


def _with(person: ImportedPerson, outcome: str) -> ImportedPerson:
    return ImportedPerson(
        person.line, person.email, person.name, person.role, person.school, outcome
    )
