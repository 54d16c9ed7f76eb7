"""Packages: several leaders deployed to one school, one of them (usually the LLE) as lead, who
compiles the final report (docs/rules.md: Deployment agreement, "A package may deploy several
leaders to one school")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.capacity.days import days_problem, days_words, given_days, split_days
from syslead.capacity.ledger import with_remaining_days
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments.access import may_decide_proposal
from syslead.deployments.models import (
    FINISHED_STATUSES,
    LIVE_STATUSES,
    Deployment,
    PackageProposal,
    ProposalStatus,
    ProposedMember,
    SupportPackage,
)
from syslead.deployments.services.common import (
    lock,
    package_has_other_lead,
    record_event,
    require_manager,
)
from syslead.deployments.terms import OBJECTIVE_FIELDS
from syslead.deployments.transitions import require_writable
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _require_coordinator(actor: User, organisation: Organisation) -> None:
    if not (is_administrator(actor) or organisation.pk in coordinated_organisation_ids(actor)):
        raise NotAllowed(f"Only a coordinator of {organisation.name} may manage its packages.")


@transaction.atomic
def package_create(
    *,
    actor: User,
    organisation: Organisation,
    school: School,
    title: str,
    lead: Deployment | None = None,
) -> SupportPackage:
    """Start a package of support for a school (a coordinator of the organisation), optionally
    with its lead agreement."""
    _require_coordinator(actor, organisation)
    title = " ".join((title or "").split())
    if not title:
        raise field_error("title", "Give the package a title.")
    package = SupportPackage(organisation=organisation, school=school, title=title)
    package.full_clean()
    package.save()
    event_record(
        actor=actor,
        subject=package,
        verb="package.created",
        summary=f"Package {title!r} for {school.name}",
        data={"school": school.urn},
    )
    if lead is not None:
        deployment_add_to_package(actor=actor, deployment=lead, package=package, is_lead=True)
    return package


def _save_lead(deployment: Deployment, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            deployment.save(update_fields=fields)
    except IntegrityError:
        # The database's "one lead per package" constraint: another lead was set at the same time.
        raise RuleViolation(
            "The package already has a lead leader: a package has exactly one.",
            rule="package_lead",
        ) from None


@transaction.atomic
def deployment_add_to_package(
    *,
    actor: User,
    deployment: Deployment,
    package: SupportPackage,
    is_lead: bool | None = None,
) -> Deployment:
    """Put an agreement (e.g. a second leader's) into a package for the same organisation and
    school (a coordinator). ``is_lead`` None: it leads only if the package has no lead yet; True
    when the package already has a lead is refused (exactly one lead per package)."""
    require_manager(actor, deployment, "add to a package")
    locked = lock(deployment)
    require_writable(locked)
    package = SupportPackage.objects.select_for_update().get(pk=package.pk)
    if (
        package.organisation_id != locked.organisation_id
        or package.school_id != locked.client_school_id
    ):
        raise field_error(
            "package", "The package is for another organisation or school than the agreement."
        )
    has_lead = package_has_other_lead(package, locked)
    lead = (not has_lead) if is_lead is None else is_lead
    if lead and has_lead:
        raise RuleViolation(
            f"The package {package.title!r} already has a lead leader: a package has exactly one.",
            rule="package_lead",
        )
    locked.package = package
    locked.is_lead = lead
    _save_lead(locked, ["package", "is_lead"])
    record_event(
        actor,
        locked,
        "deployment.added_to_package",
        f"Added to the package {package.title!r}" + (" as its lead" if lead else ""),
        package=package.pk,
        is_lead=lead,
    )
    return locked


@transaction.atomic
def package_set_lead(*, actor: User, deployment: Deployment) -> Deployment:
    """Make this agreement its package's lead (a coordinator); the previous lead stops leading.
    The lead leader compiles the package's final report."""
    require_manager(actor, deployment, "change the lead of")
    locked = lock(deployment)
    require_writable(locked)
    if locked.package_id is None:
        raise RuleViolation("The agreement is not part of a package.", rule="no_package")
    package = SupportPackage.objects.select_for_update().get(pk=locked.package_id)
    if locked.is_lead:
        return locked
    previous = list(package.deployments.filter(is_lead=True).exclude(pk=locked.pk))
    Deployment.objects.filter(pk__in=[d.pk for d in previous]).update(is_lead=False)
    locked.is_lead = True
    _save_lead(locked, ["is_lead"])
    for other in previous:
        record_event(
            actor,
            other,
            "deployment.lead_changed",
            "No longer the package's lead",
            package=package.pk,
        )
    record_event(
        actor,
        locked,
        "deployment.lead_changed",
        f"Now the lead of the package {package.title!r}",
        package=package.pk,
    )
    return locked


# --- Packages designed by their lead (docs/rules.md, "Packages designed by their lead") ----------

#: The agreement's details a member's draft takes from the lead agreement (the leader's own
#: details, their role, contact and home headteacher, come from the member's profile instead).
SHARED_DETAILS = (
    "intervals",
    "times_in_school",
    "purpose",
    "staff_involved",
    "evaluation_strategy",
    "monitoring_arrangements",
    "exit_arrangements",
    "commissioner_name",
    "funding_notes",
    "client_headteacher_name",
    "client_headteacher_email",
    "client_contact_name",
    "client_contact_role",
    "client_contact_details",
    "managed_by_name",
    "managed_by_email",
    "broker_lead_name",
)


def package_lead_agreement(package: SupportPackage) -> Deployment | None:
    """The package's live lead agreement, with its leader."""
    return (
        package.deployments.filter(is_lead=True, status__in=LIVE_STATUSES)
        .select_related("leader__user", "support_request__school", "support_request__organisation")
        .first()
    )


def package_sle_directory(
    package: SupportPackage, lead: Deployment | None = None
) -> QuerySet[LeaderProfile]:
    """The broker's SLEs the lead may propose: a live SLE designation and a live association with
    the package's organisation; not the lead, not already in the package; each annotated with
    ``remaining_days`` in the lead agreement's academic year (the capacity ledger's count)."""
    lead = lead if lead is not None else package_lead_agreement(package)
    in_package = package.deployments.filter(status__in=LIVE_STATUSES).values("leader_id")
    leaders = (
        LeaderProfile.objects.filter(
            associations__organisation_id=package.organisation_id,
            associations__is_live=True,
            designations__type__code="SLE",
            designations__status__in=LIVE_DESIGNATION_STATUSES,
        )
        .exclude(pk__in=in_package)
        .select_related("user", "home_school")
        .distinct()
        .order_by("user__name", "pk")
    )
    year = lead.academic_year if lead is not None else AcademicYear.current().label
    return with_remaining_days(leaders, year)


@dataclass(frozen=True)
class MemberDays:
    """A leader proposed for the package with their days."""

    leader: LeaderProfile | int
    days: Decimal


def _lead_or_refuse(actor: User, package: SupportPackage) -> Deployment:
    lead = package_lead_agreement(package)
    if lead is None or lead.leader.user_id != actor.pk:
        raise NotAllowed("Only the package's lead leader proposes its members.")
    if lead.status in FINISHED_STATUSES:
        raise RuleViolation("The package's lead agreement is over.", rule="read_only")
    return lead


@transaction.atomic
def package_propose(
    *,
    actor: User,
    package: SupportPackage,
    members: Sequence[MemberDays],
    note: str = "",
) -> PackageProposal:
    """The lead leader proposes the package's members and the days each gives, from the broker's
    SLEs (``package_sle_directory``), each within their remaining days; the coordinator confirms
    or returns it. Field errors are keyed ``days-<leader id>`` (and ``members``)."""
    package = SupportPackage.objects.select_for_update().get(pk=package.pk)
    lead = _lead_or_refuse(actor, package)
    if package.proposals.filter(status=ProposalStatus.PROPOSED).exists():
        raise RuleViolation(
            "A proposal for this package is already waiting for the coordinator.",
            rule="proposal_waiting",
        )
    note = (note or "").strip()
    directory = {leader.pk: leader for leader in package_sle_directory(package, lead)}
    errors = FieldErrors()
    seen: set[int] = set()
    chosen: list[tuple[LeaderProfile, Decimal]] = []
    for member in members:
        leader_id = member.leader if isinstance(member.leader, int) else member.leader.pk
        key = f"days-{leader_id}"
        leader = directory.get(leader_id)
        if leader is None:
            errors.add(
                "members",
                "Propose only SLEs of "
                f"{package.organisation.name} who are not already in the package.",
            )
            continue
        name = leader.user.get_full_name()
        if leader_id in seen:
            errors.add(key, f"{name} is proposed twice.")
            continue
        seen.add(leader_id)
        problem = days_problem(member.days) or (
            "Enter at least half a day." if member.days <= 0 else None
        )
        if problem:
            errors.add(key, f"{name}: {problem}")
            continue
        remaining = leader.remaining_days  # type: ignore[attr-defined]
        if member.days > remaining:
            errors.add(
                key,
                f"{name} has {days_words(Decimal(remaining))} left in {lead.academic_year}: "
                f"propose at most that.",
            )
            continue
        chosen.append((leader, given_days(member.days)))
    if not members:
        errors.add("members", "Give days to at least one SLE.")
    if len(note) > TEXT_MAX_LENGTH:
        errors.add("note", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    errors.raise_if_any()
    proposal = PackageProposal.objects.create(package=package, proposed_by=actor, note=note)
    ProposedMember.objects.bulk_create(
        ProposedMember(proposal=proposal, leader=leader, days=days) for leader, days in chosen
    )
    names = ", ".join(f"{leader.user.get_full_name()} ({days_words(d)})" for leader, d in chosen)
    event_record(
        actor=actor,
        subject=package,
        verb="package.proposed",
        summary=f"Members proposed by the lead: {names}",
        data={"proposal": proposal.pk},
    )
    return proposal


def _decidable(actor: User, proposal: PackageProposal) -> tuple[PackageProposal, SupportPackage]:
    package = SupportPackage.objects.select_for_update().get(pk=proposal.package_id)
    if not may_decide_proposal(actor, package):
        raise NotAllowed(
            f"Only a coordinator of {package.organisation.name} confirms the package's members."
        )
    locked = PackageProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PROPOSED:
        raise RuleViolation(
            f"This proposal is already {locked.get_status_display().lower()}.",
            rule="proposal_decided",
        )
    return locked, package


@transaction.atomic
def package_proposal_confirm(*, actor: User, proposal: PackageProposal) -> list[Deployment]:
    """Confirm the lead's proposal (a coordinator of the package's organisation): each member's
    draft agreement is made through ``deployment_create`` into the package, on the lead
    agreement's request, dates, aims, objectives and funding with the proposed days; every rule
    (the hard rules, capacity) is checked again and one refusal makes none."""
    from syslead.deployments.services.agreements import deployment_create

    proposal, package = _decidable(actor, proposal)
    lead = package_lead_agreement(package)
    if lead is None:
        raise RuleViolation("The package has no lead agreement any more.", rule="no_lead")
    objectives = [
        {name: getattr(row, name) for name in OBJECTIVE_FIELDS} for row in lead.objectives.all()
    ]
    details = {name: getattr(lead, name) for name in SHARED_DETAILS}
    made = []
    for member in proposal.members.select_related("leader__user"):
        full, half = split_days(Decimal(member.days))
        try:
            made.append(
                deployment_create(
                    actor=actor,
                    support_request=lead.support_request,
                    leader=member.leader,
                    starts_on=lead.starts_on,
                    ends_on=lead.ends_on,
                    full_days=full,
                    half_days=half,
                    aims=list(lead.aims),
                    objectives=objectives,
                    funding_route=lead.funding_route,
                    length_justification=lead.length_justification,
                    length_justification_required=False,
                    package=package,
                    is_lead=False,
                    send_for_signature=False,
                    **details,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                f"{member.leader.user.get_full_name()}'s draft agreement cannot be made: "
                + " ".join(error.messages)
            ) from error
    proposal.status = ProposalStatus.CONFIRMED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    event_record(
        actor=actor,
        subject=package,
        verb="package.proposal_confirmed",
        summary=f"The lead's proposal confirmed: {len(made)} draft agreement(s) made",
        data={"proposal": proposal.pk, "deployments": [d.pk for d in made]},
    )
    return made


@transaction.atomic
def package_proposal_return(
    *, actor: User, proposal: PackageProposal, reason: str
) -> PackageProposal:
    """Return the lead's proposal with a reason (a coordinator): the lead may propose again."""
    proposal, package = _decidable(actor, proposal)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the proposal is returned, for the lead to read.")
    if len(reason) > TEXT_MAX_LENGTH:
        raise field_error("reason", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    proposal.status = ProposalStatus.RETURNED
    proposal.return_reason = reason
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    event_record(
        actor=actor,
        subject=package,
        verb="package.proposal_returned",
        summary=f"The lead's proposal returned: {reason}",
        data={"proposal": proposal.pk},
    )
    return proposal
