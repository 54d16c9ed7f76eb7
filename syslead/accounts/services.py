"""Writes for people: accounts, the roles they hold and their API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from syslead.accounts.access import (
    chair_school_urns,
    coordinated_organisation_ids,
    forget_roles,
    headteacher_school_urns,
    is_administrator,
)
from syslead.accounts.models import (
    GOVERNOR_ROLES,
    ORGANISATION_ROLES,
    SCHOOL_ROLES,
    ApiToken,
    Role,
    RoleAssignment,
    User,
)
from syslead.accounts.selectors import email_is_taken
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@dataclass(frozen=True)
class RoleSpec:
    """One role to grant: organisation roles name an organisation, a headteacher a school."""

    role: str
    organisation_id: int | None = None
    school_urn: int | None = None

    def describe(self) -> str:
        label = Role(self.role).label if self.role in Role.values else self.role
        if self.organisation_id is not None:
            return f"{label} of organisation {self.organisation_id}"
        if self.school_urn is not None:
            return f"{label} at school {self.school_urn}"
        return label


def role_problems(spec: RoleSpec) -> list[str]:
    """What is wrong with one role as given (an unknown role, a missing or unknown place)."""
    if spec.role not in Role.values:
        return [f"'{spec.role}' is not a role. Roles are: {', '.join(Role.values)}."]
    label = Role(spec.role).label
    problems: list[str] = []
    if spec.role in ORGANISATION_ROLES:
        if spec.organisation_id is None:
            problems.append(f"The {label.lower()} role needs an organisation.")
        elif not Organisation.objects.filter(pk=spec.organisation_id).exists():
            problems.append(f"There is no organisation with id {spec.organisation_id}.")
        if spec.school_urn is not None:
            problems.append(f"The {label.lower()} role belongs to an organisation, not a school.")
    elif spec.role in SCHOOL_ROLES:
        if spec.school_urn is None:
            problems.append(f"The {label.lower()} role needs a school (its URN).")
        elif not School.objects.filter(urn=spec.school_urn).exists():
            problems.append(f"There is no school with URN {spec.school_urn}.")
        if spec.organisation_id is not None:
            problems.append(f"The {label.lower()} role belongs to a school, not an organisation.")
    elif spec.organisation_id is not None or spec.school_urn is not None:
        problems.append(f"The {label.lower()} role is not held in an organisation or a school.")
    return problems


def role_grant_allowed(actor: User, spec: RoleSpec) -> bool:
    """Administrators grant any role; a coordinator grants roles in its own organisation, the
    system leader role and headteacher roles at schools, never the administrator role; a school's
    headteacher grants its governing body's roles, its chair the governor role."""
    if is_administrator(actor):
        return True
    if spec.role in GOVERNOR_ROLES:
        # docs/rules.md, "The governing body": the school's headteacher names the chair and the
        # governors; the chair names governors; nobody else (not even a coordinator).
        if spec.school_urn in headteacher_school_urns(actor):
            return True
        return spec.role == Role.GOVERNOR and spec.school_urn in chair_school_urns(actor)
    coordinated = coordinated_organisation_ids(actor)
    if not coordinated or spec.role == Role.ADMINISTRATOR:
        return False
    if spec.role in ORGANISATION_ROLES:
        return spec.organisation_id in coordinated
    return spec.role in {Role.SYSTEM_LEADER, Role.HEADTEACHER}


def _raise_if_invalid(specs: Sequence[RoleSpec], errors: FieldErrors) -> None:
    for spec in specs:
        for message in role_problems(spec):
            errors.add("roles", message)
    errors.raise_if_any()


def _raise_unless_allowed(actor: User, specs: Sequence[RoleSpec]) -> None:
    refused = [spec for spec in specs if not role_grant_allowed(actor, spec)]
    if refused:
        raise NotAllowed(
            "You may not grant these roles: "
            + "; ".join(spec.describe() for spec in refused)
            + ". A coordinator grants roles only in its own organisation and at schools."
        )


def _role_save(*, actor: User, user: User, spec: RoleSpec) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user,
        role=spec.role,
        organisation_id=spec.organisation_id,
        school_id=spec.school_urn,
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise RuleViolation(
            f"{user.email} already holds the role {spec.describe()}.", rule="role_already_held"
        ) from exc
    event_record(
        actor=actor,
        subject=user,
        verb="role.granted",
        summary=f"Granted {spec.describe()}",
        data={"role": spec.role, "organisation": spec.organisation_id, "school": spec.school_urn},
    )
    forget_roles(user)
    return assignment


@transaction.atomic
def user_create(
    *,
    actor: User,
    email: str,
    name: str,
    roles: Sequence[RoleSpec],
    password: str | None = None,
) -> User:
    """Create an account with its roles, all or nothing: an administrator creates anyone; a
    coordinator only people for its own organisation and for schools (docs/access.md); a school's
    headteacher (or chair of governors) only members of its governing body (docs/rules.md, "The
    governing body": the account is made when the invitation is accepted)."""
    specs = list(dict.fromkeys(roles))
    governing_body_only = bool(specs) and all(spec.role in GOVERNOR_ROLES for spec in specs)
    if not (is_administrator(actor) or coordinated_organisation_ids(actor) or governing_body_only):
        raise NotAllowed("Only administrators and coordinators may create users.")
    email = email.strip().lower()
    name = name.strip()
    errors = FieldErrors()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid e-mail address."]
    if not name:
        errors["name"] = ["Enter the person's name."]
    _raise_if_invalid(specs, errors)
    _raise_unless_allowed(actor, specs)
    if not specs and not is_administrator(actor):
        raise NotAllowed("A coordinator creates users only with a role to hold.")
    if email_is_taken(email):
        raise RuleViolation(
            f"A user with the e-mail address {email} already exists.", rule="email_taken"
        )

    user = User(email=email, name=name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the address first
        raise RuleViolation(
            f"A user with the e-mail address {email} already exists.", rule="email_taken"
        ) from exc
    event_record(
        actor=actor,
        subject=user,
        verb="user.created",
        summary=f"Created the account for {email}",
        data={"email": email, "roles": [spec.describe() for spec in specs]},
    )
    for spec in specs:
        _role_save(actor=actor, user=user, spec=spec)
    return user


@transaction.atomic
def role_grant(*, actor: User, user: User, spec: RoleSpec) -> RoleAssignment:
    """Give a person one more role, under the same rule as creating them (who may grant what)."""
    _raise_if_invalid([spec], FieldErrors())
    _raise_unless_allowed(actor, [spec])
    return _role_save(actor=actor, user=user, spec=spec)


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role away: only someone who may grant it; an administrator cannot drop their own
    administrator role (so the system always keeps one)."""
    spec = RoleSpec(assignment.role, assignment.organisation_id, assignment.school_id)
    _raise_unless_allowed(actor, [spec])
    if assignment.role == Role.ADMINISTRATOR and assignment.user_id == actor.pk:
        raise RuleViolation(
            "You cannot remove your own administrator role.", rule="own_administrator_role"
        )
    user = assignment.user
    assignment.delete()
    event_record(
        actor=actor,
        subject=user,
        verb="role.revoked",
        summary=f"Revoked {spec.describe()}",
        data={"role": spec.role, "organisation": spec.organisation_id, "school": spec.school_urn},
    )
    forget_roles(user)


#: The longest a token may be issued for, in days.
API_TOKEN_MAX_DAYS = 366


@transaction.atomic
def api_token_issue(
    *, actor: User | None, user: User, days: int | None = None, label: str = ""
) -> str:
    """Issue a new bearer token that acts with exactly the user's permissions until it expires
    (``days``, or ``SYSLEAD_API_TOKEN_DAYS``); only its hash is kept, so the secret returned here
    is shown once. ``actor`` None is the server's operator."""
    if actor is not None and actor.pk != user.pk and not is_administrator(actor):
        raise NotAllowed("You may issue tokens only for yourself.")
    if not user.is_active:
        raise RuleViolation(f"{user.email} is deactivated.", rule="user_inactive")
    lifetime_days = settings.SYSLEAD_API_TOKEN_DAYS if days is None else days
    if not 1 <= lifetime_days <= API_TOKEN_MAX_DAYS:
        raise field_error("days", f"A token lasts between 1 and {API_TOKEN_MAX_DAYS} days.")
    label = label.strip()
    if len(label) > 100:
        raise field_error("label", "Keep the label to 100 characters or fewer.")
    token, raw = ApiToken.issue(user, lifetime=timedelta(days=lifetime_days), label=label)
    event_record(
        actor=actor,
        subject=user,
        verb="api_token.issued",
        summary=f"Issued API token {token.prefix}… (expires {token.expires_at:%Y-%m-%d})",
        data={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token at once: its owner or an administrator."""
    if token.user_id != actor.pk and not is_administrator(actor):
        raise NotAllowed("You may revoke only your own tokens.")
    user = token.user
    prefix = token.prefix
    token.delete()
    event_record(
        actor=actor,
        subject=user,
        verb="api_token.revoked",
        summary=f"Revoked API token {prefix}…",
        data={"prefix": prefix},
    )
