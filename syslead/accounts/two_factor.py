"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and single-use recovery codes.

Who must use it: administrators, coordinators, broker leads and anyone whose place lets them read
safeguarding concerns raised by others (an organisation's named person for safeguarding); everyone
else may. ``SYSLEAD_MFA_REQUIRED`` (False only in the demo, with DEBUG on) lifts the requirement;
a person who has set up an app is still asked for a code.

The session says where its person stands (``session_state``): "verified" (a code was given),
"code" (an app is set up and no code given yet) or "none" (no app). It is worked out as the
person signs in, so that ordinary requests cost no query."""

from __future__ import annotations

import base64
import copy
import enum
import re
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.browser_sessions import sessions_end_all
from syslead.accounts.models import Role, User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error

#: Roles that must sign in with a second factor.
REQUIRED_ROLES = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.BROKER_LEAD)

STATE = "syslead_mfa"
ROLE_REQUIRES = "syslead_mfa_required"
FAILURES = "syslead_mfa_failures"
NEW_CODES = "syslead_mfa_new_codes"
VERIFIED, CODE_NEEDED, NO_DEVICE = "verified", "code", "none"

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def two_factor_required_of(user: User) -> bool:
    """Whether this person's roles call for two-factor sign-in (whatever the setting says)."""
    from syslead.visits.access import reads_others_concerns

    if user.is_staff or user.is_superuser:
        return True
    # On a copy: the caller's object keeps no role cache from here (roles may change after).
    probe = copy.copy(user)
    probe.__dict__.pop("_syslead_roles", None)
    return has_role(probe, *REQUIRED_ROLES) or reads_others_concerns(probe)


def two_factor_enforced() -> bool:
    """False only in the demo: ``SYSLEAD_MFA_REQUIRED=false`` with DEBUG on."""
    return bool(settings.SYSLEAD_MFA_REQUIRED)


def app_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- The session's standing -----------------------------------------------------------------


def session_signed_in(session: SessionBase, user: User) -> None:
    """Work out, as the person signs in, whether a code is still needed and whether their roles
    require two-factor (so that each later request only reads the session)."""
    session[STATE] = CODE_NEEDED if has_two_factor(user) else NO_DEVICE
    session[ROLE_REQUIRES] = two_factor_required_of(user)
    session.pop(FAILURES, None)


def session_state(request: HttpRequest) -> str:
    if STATE not in request.session:  # a session from before two-factor sign-in
        session_signed_in(request.session, request.user)  # type: ignore[arg-type]
    return str(request.session[STATE])


def must_give_code(request: HttpRequest) -> bool:
    return session_state(request) == CODE_NEEDED


def must_set_up(request: HttpRequest) -> bool:
    return (
        session_state(request) == NO_DEVICE
        and two_factor_enforced()
        and bool(request.session.get(ROLE_REQUIRES))
    )


def _session_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    otp_login(request, device)
    request.session[STATE] = VERIFIED
    request.session.pop(FAILURES, None)


# --- Setting up -----------------------------------------------------------------------------


def app_device_pending(user: User) -> TOTPDevice:
    """The unconfirmed app the person is setting up (a new secret if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The set-up address as an inline SVG QR code (drawn here: no outside service, no script)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg class="qr-code__image" role="img" aria-label="QR code to scan with your '
        'authenticator app"',
        svg,
    )
    # Built by qrcode from our own otpauth URL: elements and attributes only, no script.
    return mark_safe(svg)


def devices_delete(user: User) -> int:
    """Remove every two-factor device of the person (their app and recovery codes): used when an
    administrator erases the person, so no secret of theirs is kept."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return int(removed + StaticDevice.objects.filter(user=user).delete()[0])


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.SYSLEAD_MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def app_confirm(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Turn two-factor on with the app being set up, once it shows a right code: any earlier
    app and recovery codes are replaced. The session counts as verified. Returns the new
    recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise RuleViolation("Start setting up again.", rule="no_app_being_set_up")
    if not device.verify_is_allowed()[0]:
        raise field_error("code", "Too many wrong codes in a row. Wait a minute, then try again.")
    # Outside the transaction below: a wrong code must still count towards the throttle.
    if not device.verify_token(_normalise(code)):
        raise field_error("code", "The code is not right. Enter the 6 digits the app shows now.")
    with transaction.atomic():
        replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        event_record(
            actor=user,
            subject=user,
            verb="two_factor.replaced" if replacing else "two_factor.enabled",
            summary="Replaced the authenticator app" if replacing else "Turned on two-factor",
        )
    _session_verified(request, device)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for the person; the old ones stop working."""
    if not has_two_factor(actor):
        raise RuleViolation("Set up two-factor sign-in first.", rule="two_factor_off")
    codes = _recovery_codes_replace(actor)
    event_record(
        actor=actor, subject=actor, verb="two_factor.recovery_codes", summary="New recovery codes"
    )
    return codes


@transaction.atomic
def two_factor_turn_off(*, request: HttpRequest, actor: User) -> None:
    """The person stops using two-factor: only when their roles do not require it."""
    if two_factor_enforced() and two_factor_required_of(actor):
        raise RuleViolation(
            "Your role requires two-factor sign-in: you can replace your app but not turn it off.",
            rule="two_factor_required",
        )
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    request.session[STATE] = NO_DEVICE
    event_record(actor=actor, subject=actor, verb="two_factor.disabled", summary="Turned off")


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> int:
    """An administrator resets a person's two-factor (a lost phone): their app and recovery
    codes go, they are signed out everywhere, and they set up again at their next sign-in.
    Recorded on the person's timeline. Returns how many sessions ended."""
    if not is_administrator(actor):
        raise NotAllowed("Only administrators reset two-factor sign-in.")
    if actor.pk == user.pk:
        raise RuleViolation(
            "Ask another administrator to reset your own two-factor sign-in.", rule="own_reset"
        )
    had_app = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = sessions_end_all(user)
    event_record(
        actor=actor,
        subject=user,
        verb="two_factor.reset",
        summary=f"Reset two-factor sign-in for {user.email} (signed out of {ended} session(s))",
        data={"had_app": had_app, "sessions_ended": ended},
    )
    return ended


# --- Signing in with a code -----------------------------------------------------------------


class Outcome(enum.Enum):
    APP = "app"
    RECOVERY = "recovery"
    WRONG = "wrong"
    WAIT = "wait"


@dataclass(frozen=True)
class CodeResult:
    outcome: Outcome
    recovery_codes_left: int = 0


def code_check(*, request: HttpRequest, user: User, code: str) -> CodeResult:
    """Check a code from the app (6 digits) or a recovery code (used up once accepted). Each
    device slows down retries after a wrong code (django-otp's throttling); a right code marks
    the session verified."""
    code = _normalise(code)
    devices: list[TOTPDevice | StaticDevice]
    if code.isdigit():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    if any(not device.verify_is_allowed()[0] for device in devices):
        return CodeResult(Outcome.WAIT)
    for device in devices:
        if device.verify_token(code):
            _session_verified(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                event_record(
                    actor=user,
                    subject=user,
                    verb="two_factor.recovery_code_used",
                    summary=f"Signed in with a recovery code ({left} left)",
                )
                return CodeResult(Outcome.RECOVERY, left)
            return CodeResult(Outcome.APP)
    return CodeResult(Outcome.WRONG)


# --- For administrators ---------------------------------------------------------------------


def people_with_two_factor(search: str = "") -> QuerySet[User]:
    """People (found by name or e-mail) with whether each has an app set up."""
    people = User.objects.annotate(
        has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).order_by("name", "email")
    search = search.strip()
    if search:
        people = people.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return people
