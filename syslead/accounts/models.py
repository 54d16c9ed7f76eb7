"""People and what they may do: users log in by e-mail and hold roles tied to an organisation or a
school."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    COORDINATOR = "coordinator", "Coordinator"
    BROKER_LEAD = "broker_lead", "Broker lead"
    SYSTEM_LEADER = "system_leader", "System leader"
    HEADTEACHER = "headteacher", "Headteacher"
    SIP = "sip", "School improvement partner"
    #: A school's governing body (docs/rules.md, "The governing body"): the chair names other
    #: governors; both read only their school's agreements, termly deployment records, evaluations
    #: and approved final reports.
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
    GOVERNOR = "governor", "Governor"


#: Roles that belong to an organisation (broker) and must name it.
ORGANISATION_ROLES = frozenset({Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP})
#: Roles that belong to a school and must name it.
SCHOOL_ROLES = frozenset({Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS, Role.GOVERNOR})
#: The governing body's roles (docs/rules.md, "The governing body").
GOVERNOR_ROLES = frozenset({Role.CHAIR_OF_GOVERNORS, Role.GOVERNOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("name", email.split("@", maxsplit=1)[0])
        user = self._create_user(email, password, **extra)
        RoleAssignment.objects.get_or_create(user=user, role=Role.ADMINISTRATOR)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the Django admin (administrators)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    #: Per-request caches the access modules keep on the user (set when first needed).
    _syslead_roles: list[tuple[str, int | None, int | None]]  # (role, organisation, school)
    _syslead_leader_id: int | None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split(" ")[0]


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="unique_role_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="unique_role_at_school",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organisation__isnull=True, school__isnull=True),
                name="unique_role_unattached",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in ORGANISATION_ROLES))
                | Q(organisation__isnull=False),
                name="organisation_role_names_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in SCHOOL_ROLES))
                | Q(school__isnull=False),
                name="school_role_names_school",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation or self.school
        return f"{self.get_role_display()}" + (f" at {where}" if where else "")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_lifetime() -> timedelta:
    """How long a new token lasts unless its issuer says otherwise (``SYSLEAD_API_TOKEN_DAYS``)."""
    return timedelta(days=int(getattr(settings, "SYSLEAD_API_TOKEN_DAYS", 90)))


class ApiToken(models.Model):
    """A bearer token for the public API; only its hash is stored. It stops working at
    ``expires_at`` and when it is revoked (deleted)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.user}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(
        cls, user: User, *, lifetime: timedelta | None = None, label: str = ""
    ) -> tuple[ApiToken, str]:
        raw = "sl_" + secrets.token_urlsafe(32)
        expires_at = timezone.now() + (lifetime if lifetime is not None else api_token_lifetime())
        token = cls.objects.create(
            user=user, key_hash=_hash_token(raw), prefix=raw[:8], label=label, expires_at=expires_at
        )
        return token, raw

    @classmethod
    def user_for(cls, raw: str) -> User | None:
        """The active user of the live (unexpired) token whose secret is ``raw``."""
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), user__is_active=True, expires_at__gt=timezone.now())
            .first()
        )
        return token.user if token else None


class UserSession(models.Model):
    """One signed-in browser session of a person, so that they can see where they are signed in
    and end it. The row goes when the session does (sign-out, expiry, ended from the account
    page); the session's own data holds the timestamps the idle and absolute limits use."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    signed_in_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"Session of {self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
