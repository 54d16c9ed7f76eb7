"""Writes for invitations (the API contract, version 1.1): invite a person by e-mail with a role,
resend or cancel the invitation, and accept it by setting a password.

Who may invite is who may grant the role (``syslead.accounts.services.role_grant_allowed``): an
administrator anyone; a coordinator people for its own organisation, system leaders and the
headteachers of schools. An e-mail that already has an account gets the role added instead of a
link. A link works once, for ``VALID_FOR_DAYS`` days; resending makes a new link and the old one
stops working."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import GOVERNOR_ROLES, ORGANISATION_ROLES, SCHOOL_ROLES, Role, User
from syslead.accounts.selectors import user_for_email
from syslead.accounts.services import RoleSpec, role_grant, role_grant_allowed, user_create
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.invitations.models import Invitation, InvitationStatus, token_hash
from syslead.invitations.signals import invitation_accepted
from syslead.notifications.inbox import notify
from syslead.notifications.services import email_enqueue
from syslead.organisations.models import Organisation
from syslead.schools.models import School

#: How long a link works.
VALID_FOR_DAYS = 14
EMAIL_TEMPLATE = "invitations/email/invitation"


@dataclass(frozen=True)
class InvitationOutcome:
    """What inviting did: ``status`` is "sent" (a link went out) or "role_added"."""

    invitation: Invitation
    status: str

    @property
    def expires_on(self) -> dt.date | None:
        """The link's last day; None when the role was added to an existing account."""
        if self.status == "role_added":
            return None
        return invitation_expires_on(self.invitation)


def invitation_expires_on(invitation: Invitation) -> dt.date | None:
    """The last day the link works (None when there is no link)."""
    if invitation.expires_at is None or invitation.status != InvitationStatus.PENDING:
        return None
    return timezone.localdate(invitation.expires_at)


def _new_link(invitation: Invitation) -> str:
    """Give the invitation a new secret (the old link stops working) and a new expiry; the
    secret is returned to be e-mailed and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(raw)
    invitation.last_sent_at = now
    # The link works until the end of the 14th day from today.
    last_day = timezone.localdate(now) + dt.timedelta(days=VALID_FOR_DAYS)
    invitation.expires_at = timezone.make_aware(
        dt.datetime.combine(last_day, dt.time.max), timezone.get_current_timezone()
    )
    return raw


def invitation_link(raw: str, site_url: str = "") -> str:
    """The link's address: on the site the invitation was sent from (as Django's password reset
    does), else on ``SITE_URL``."""
    base = (site_url or settings.SITE_URL).rstrip("/")
    return f"{base}{reverse('invitations:accept', args=[raw])}"


def _send_link(invitation: Invitation, raw: str, site_url: str = "") -> None:
    """E-mail the link once the transaction commits (a refused change sends nothing)."""
    inviter = invitation.invited_by
    context = {
        "name": invitation.name,
        "role": invitation.get_role_display(),
        "place": invitation.place,
        "inviter": inviter.get_full_name() if inviter else "Syslead",
        "link": invitation_link(raw, site_url),
        "expires_on": invitation_expires_on(invitation),
    }
    to = invitation.email
    transaction.on_commit(
        lambda: email_enqueue(
            to=to,
            subject="You are invited to join Syslead",
            template=EMAIL_TEMPLATE,
            context=context,
        )
    )


def _check_fields(
    email: str, name: str, role: str, organisation_id: int | None, school_urn: int | None
) -> tuple[Organisation | None, School | None]:
    """Every invalid field, by its name (422): the role from the vocabulary, an organisation for
    the organisation roles, a school's URN for a headteacher, and nowhere else."""
    errors = FieldErrors()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an e-mail address in the correct format, like name@school.org.uk"]
    else:
        if len(email) > 254:
            errors["email"] = ["The e-mail address must be 254 characters or fewer"]
    if not name:
        errors["name"] = ["Enter the person's name"]
    elif len(name) > 150:
        errors["name"] = ["The name must be 150 characters or fewer"]
    organisation = school = None
    if role not in Role.values:
        errors["role"] = [f"'{role}' is not a role. Roles are: {', '.join(Role.values)}."]
    elif role in ORGANISATION_ROLES:
        if organisation_id is None:
            errors["organisation"] = [f"The {Role(role).label.lower()} role needs an organisation"]
        else:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                errors["organisation"] = [f"There is no organisation with id {organisation_id}"]
        if school_urn is not None:
            errors["school"] = ["This role belongs to an organisation, not a school"]
    elif role in SCHOOL_ROLES:
        if school_urn is None:
            errors["school"] = [f"The {Role(role).label.lower()} role needs a school (its URN)"]
        else:
            school = School.objects.filter(urn=school_urn).first()
            if school is None:
                errors["school"] = [f"There is no school with URN {school_urn}"]
        if organisation_id is not None:
            errors["organisation"] = ["This role belongs to a school, not an organisation"]
    else:
        if organisation_id is not None:
            errors["organisation"] = ["This role is not held in an organisation"]
        if school_urn is not None:
            errors["school"] = ["This role is not held at a school"]
    errors.raise_if_any()
    return organisation, school


def _sent_for(actor: User, organisation: Organisation | None) -> Organisation | None:
    """Whose list the invitation appears in: the organisation the role is in, else the inviting
    coordinator's organisation (the lowest id of several); None for an administrator's."""
    if organisation is not None:
        return organisation
    if is_administrator(actor):
        return None
    coordinated = sorted(coordinated_organisation_ids(actor))
    return Organisation.objects.filter(pk=coordinated[0]).first() if coordinated else None


@transaction.atomic
def invitation_send(
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    school_urn: int | None = None,
    site_url: str = "",
) -> InvitationOutcome:
    """Invite a person with a role: an administrator, or a coordinator for its own organisation
    and for schools (the rule for creating users). An existing account gets the role at once
    ("role_added"); otherwise a single-use link valid for 14 days is e-mailed ("sent"). An account
    nobody has signed in to yet (no password: made by an import, say) gets the role and the link,
    so that the person can choose a password. One pending invitation per e-mail, role and
    organisation or school."""
    if not (
        is_administrator(actor) or coordinated_organisation_ids(actor) or role in GOVERNOR_ROLES
    ):
        # A school's governing body is named by its headteacher (``role_grant_allowed`` below).
        raise NotAllowed("Only administrators and coordinators may invite people.")
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    organisation, school = _check_fields(email, name, role, organisation_id, school_urn)
    spec = RoleSpec(role=role, organisation_id=organisation_id, school_urn=school_urn)
    if not role_grant_allowed(actor, spec):
        raise NotAllowed(
            "You may not invite someone as "
            + spec.describe().lower()
            + ". A coordinator invites people only to its own organisation and to schools."
        )
    invitation = Invitation(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        school=school,
        sent_for=_sent_for(actor, organisation),
        invited_by=actor,
    )
    existing = user_for_email(email)
    if existing is not None and existing.has_usable_password():
        return _add_role(actor, invitation, existing, spec)
    if existing is not None:
        # An account nobody has signed in to yet (made by an import or by an administrator): the
        # role is added now, and the link lets the person choose their password.
        if not _holds(existing, invitation):
            role_grant(actor=actor, user=existing, spec=spec)
        invitation.user = existing
    raw = _new_link(invitation)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise RuleViolation(
            f"{email} has already been invited as {_role_words(invitation)}: resend that "
            "invitation instead.",
            rule="invitation_pending",
        ) from None
    event_record(
        actor=actor,
        subject=invitation,
        verb="invitation.sent",
        summary=f"Invited {email} as {_role_words(invitation)}",
        data={"email": email, "role": role, "organisation": organisation_id, "school": school_urn},
    )
    _send_link(invitation, raw, site_url)
    return InvitationOutcome(invitation, "sent" if existing is None else "role_added")


def _holds(user: User, invitation: Invitation) -> bool:
    return user.role_assignments.filter(
        role=invitation.role, organisation=invitation.organisation, school=invitation.school
    ).exists()


def _add_role(actor: User, invitation: Invitation, user: User, spec: RoleSpec) -> InvitationOutcome:
    """An e-mail that already has an account: the role is added to it, no link is needed."""
    role_grant(actor=actor, user=user, spec=spec)
    invitation.status = InvitationStatus.ROLE_ADDED
    invitation.user = user
    invitation.last_sent_at = timezone.now()
    invitation.save()
    event_record(
        actor=actor,
        subject=invitation,
        verb="invitation.role_added",
        summary=f"{invitation.email} already had an account: added {spec.describe()}",
        data={"email": invitation.email, "role": invitation.role},
    )
    notify(
        users=[user],
        verb="invitation.role_added",
        text=f"You have a new role in Syslead: {_role_words(invitation)}.",
        url=reverse("core:home"),
    )
    return InvitationOutcome(invitation, "role_added")


def _role_words(invitation: Invitation) -> str:
    role = invitation.get_role_display().lower()
    return f"{role} ({invitation.place})" if invitation.place else role


def may_manage_invitation(actor: User, invitation: Invitation) -> bool:
    """Resend or cancel: an administrator, or a coordinator of the organisation it was sent for;
    an invitation to a school's governing body, whoever may name that governor."""
    if is_administrator(actor):
        return True
    if invitation.role in GOVERNOR_ROLES:
        # docs/rules.md, "The governing body": whoever may name the governor may withdraw it.
        spec = RoleSpec(invitation.role, None, invitation.school_id)
        return role_grant_allowed(actor, spec)
    return (
        invitation.sent_for_id is not None
        and invitation.sent_for_id in coordinated_organisation_ids(actor)
    )


def _locked_pending(invitation: Invitation, doing: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise RuleViolation(
            f"This invitation is {invitation.get_status_display().lower()}: it cannot be {doing}.",
            rule="invitation_state",
        )
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation, site_url: str = "") -> Invitation:
    """Send a pending invitation again with a new link and a new 14 days; the old link dies."""
    if not may_manage_invitation(actor, invitation):
        raise NotAllowed("You may not resend this invitation.")
    invitation = _locked_pending(invitation, "resent")
    raw = _new_link(invitation)
    invitation.sent_count += 1
    invitation.save()
    event_record(
        actor=actor,
        subject=invitation,
        verb="invitation.resent",
        summary=f"Sent the invitation to {invitation.email} again",
    )
    _send_link(invitation, raw, site_url)
    return invitation


@transaction.atomic
def invitation_cancel(*, actor: User, invitation: Invitation) -> Invitation:
    """Cancel a pending invitation: its link stops working."""
    if not may_manage_invitation(actor, invitation):
        raise NotAllowed("You may not cancel this invitation.")
    invitation = _locked_pending(invitation, "cancelled")
    invitation.status = InvitationStatus.CANCELLED
    invitation.cancelled_at = timezone.now()
    invitation.save()
    event_record(
        actor=actor,
        subject=invitation,
        verb="invitation.cancelled",
        summary=f"Cancelled the invitation to {invitation.email}",
    )
    return invitation


class LinkRefused(Exception):
    """The link cannot be used: ``reason`` is "unknown", "expired", "used" or "cancelled"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_for_link(raw: str) -> Invitation:
    """The pending, unexpired invitation a link's secret opens, or ``LinkRefused`` saying why."""
    invitation = (
        Invitation.objects.select_related("organisation", "school", "invited_by")
        .filter(token_hash=token_hash(raw or ""))
        .first()
    )
    if invitation is None:
        raise LinkRefused("unknown")
    if invitation.status == InvitationStatus.ACCEPTED:
        raise LinkRefused("used")
    if invitation.status != InvitationStatus.PENDING:
        raise LinkRefused("cancelled")
    if invitation.expires_at is None or invitation.expires_at < timezone.now():
        raise LinkRefused("expired")
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, password: str) -> User:
    """Accept an invitation by setting a password (Django's password validators): the account is
    made with the invited role and the link is used up. An account that already exists gets the
    role; its password is set only if it has none yet (an account nobody has signed in to)."""
    invitation = invitation_for_link(raw_token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise LinkRefused("used")
    spec = RoleSpec(invitation.role, invitation.organisation_id, invitation.school_id)
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active or not role_grant_allowed(inviter, spec):
        raise LinkRefused("cancelled")
    existing = user_for_email(invitation.email)
    if existing is not None:
        if not _holds(existing, invitation):
            role_grant(actor=inviter, user=existing, spec=spec)
        if not existing.has_usable_password():  # nobody has signed in to it yet
            password_validation.validate_password(password, user=existing)
            existing.set_password(password)
            existing.save(update_fields=["password"])
        user = existing
    else:
        password_validation.validate_password(
            password, user=User(email=invitation.email, name=invitation.name)
        )
        user = user_create(
            actor=inviter,
            email=invitation.email,
            name=invitation.name,
            roles=[spec],
            password=password,
        )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save()
    event_record(
        actor=user,
        subject=invitation,
        verb="invitation.accepted",
        summary=f"{invitation.email} joined as {_role_words(invitation)}",
    )
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user
