"""Signed-in sessions: when each began and was last used (the idle and absolute limits), and the
list a person sees on their account page, where they can end any of them.

Sessions stay in the database session backend; a ``UserSession`` row names the person and the
browser of each one and goes with it (sign-out, expiry, ended from the account page)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from syslead.accounts.models import User, UserSession
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed

#: Session keys: when the person signed in and when they were last seen (Unix seconds).
SIGNED_IN_AT = "syslead_signed_in_at"
LAST_SEEN = "syslead_last_seen"
#: "Last seen" is refreshed at most this often (saves a write per request).
LAST_SEEN_PRECISION_SECONDS = 60


def idle_limit_seconds() -> int:
    return int(settings.SYSLEAD_SESSION_IDLE_MINUTES) * 60


def absolute_limit_seconds() -> int:
    return int(settings.SYSLEAD_SESSION_MAX_HOURS) * 3600


def _client_ip(request: HttpRequest) -> str | None:
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return str(ip) if ip else None


def session_started(request: HttpRequest, user: User) -> None:
    """Note a new signed-in session (called as the person signs in, after the session key has
    been renewed)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    key = str(request.session.session_key)
    UserSession.objects.filter(session_id=key).delete()
    UserSession.objects.create(
        session_id=key,
        user=user,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        ip_address=_client_ip(request),
    )


def session_renewed(request: HttpRequest, user: User, before: UserSession | None) -> None:
    """The session's key changed while signed in (a password change renews it): carry its row
    over to the new key, and end the person's other sessions."""
    key = request.session.session_key
    if key is None:
        return
    others = UserSession.objects.filter(user=user).exclude(session_id=key)
    Session.objects.filter(session_key__in=others.values("session_id")).delete()
    if before is not None and not UserSession.objects.filter(session_id=key).exists():
        UserSession.objects.create(
            session_id=key,
            user=user,
            signed_in_at=before.signed_in_at,
            last_seen_at=timezone.now(),
            user_agent=before.user_agent,
            ip_address=before.ip_address,
        )


@dataclass(frozen=True)
class Limit:
    """Why a session has ended (shown to the person as they sign in again)."""

    reason: str


def session_limit_reached(request: HttpRequest, now: float | None = None) -> Limit | None:
    """The limit this session has passed, if any: the idle limit since the last request, or the
    absolute limit since signing in."""
    now = time.time() if now is None else now
    signed_in_at = request.session.get(SIGNED_IN_AT)
    last_seen = request.session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:  # a session from before these limits
        request.session[SIGNED_IN_AT] = signed_in_at or now
        request.session[LAST_SEEN] = now
        return None
    if now - float(signed_in_at) > absolute_limit_seconds():
        hours = settings.SYSLEAD_SESSION_MAX_HOURS
        return Limit(f"You were signed out {hours} hours after signing in. Sign in again.")
    if now - float(last_seen) > idle_limit_seconds():
        minutes = settings.SYSLEAD_SESSION_IDLE_MINUTES
        return Limit(
            f"You were signed out after {minutes} minutes without activity. Sign in again."
        )
    return None


def session_seen(request: HttpRequest, now: float | None = None) -> None:
    """Refresh "last seen" (in the session and on its row), at most once a minute."""
    now = time.time() if now is None else now
    last_seen = float(request.session.get(LAST_SEEN) or 0)
    if now - last_seen < LAST_SEEN_PRECISION_SECONDS:
        return
    request.session[LAST_SEEN] = now
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_id=key).update(
            last_seen_at=datetime.fromtimestamp(now, tz=UTC)
        )


def sessions_of(user: User) -> list[UserSession]:
    """The person's live sessions, the most recently used first: not expired, not idle past the
    limit (allowing for "last seen" being refreshed once a minute), not past the absolute limit."""
    now = timezone.now()
    idle = timedelta(seconds=idle_limit_seconds() + LAST_SEEN_PRECISION_SECONDS)
    return list(
        UserSession.objects.filter(
            user=user,
            session__expire_date__gt=now,
            last_seen_at__gt=now - idle,
            signed_in_at__gt=now - timedelta(seconds=absolute_limit_seconds()),
        ).order_by("-last_seen_at", "-pk")
    )


@transaction.atomic
def session_end(*, actor: User, session: UserSession) -> None:
    """End one session on the server (its data is deleted: that browser is signed out)."""
    if session.user_id != actor.pk:
        raise NotAllowed("You may end only your own sessions.")
    Session.objects.filter(session_key=session.session_id).delete()
    event_record(
        actor=actor,
        subject=actor,
        verb="session.ended",
        summary=f"Ended the session on {describe_user_agent(session.user_agent)}",
        data={"session": session.pk},
    )


def sessions_end_all(user: User) -> int:
    """Sign the person out everywhere; how many sessions ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_id", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


_BROWSERS = [
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/"),
    ("Firefox", r"(Firefox|FxiOS)/"),
    ("Chrome", r"(Chrome|CriOS|HeadlessChrome)/"),
    ("Safari", r"Safari/"),
]
_SYSTEMS = [
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
]


def describe_user_agent(user_agent: str) -> str:
    """A browser and system a person recognises ("Firefox on Windows"), from the User-Agent."""
    browser = next((name for name, rx in _BROWSERS if re.search(rx, user_agent)), None)
    system = next((name for name, rx in _SYSTEMS if re.search(rx, user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
