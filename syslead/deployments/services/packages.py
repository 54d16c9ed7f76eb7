"""Packages: several leaders deployed to one school, one of them (usually the LLE) as lead, who
compiles the final report (docs/rules.md: Deployment agreement, "A package may deploy several
leaders to one school")."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error
from syslead.deployments.models import Deployment, SupportPackage
from syslead.deployments.services.common import (
    lock,
    package_has_other_lead,
    record_event,
    require_manager,
)
from syslead.deployments.transitions import require_writable
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
