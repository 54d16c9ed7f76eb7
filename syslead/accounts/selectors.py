"""Reads of people, their roles and their API tokens that other areas reuse."""

from __future__ import annotations

from syslead.accounts.models import ApiToken, RoleAssignment, User, _hash_token


def user_for_email(email: str) -> User | None:
    """The account with this e-mail address (case does not matter), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def email_is_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def role_assignments_of(user: User) -> list[RoleAssignment]:
    """The user's roles, each with its organisation or school, in a stable order."""
    return list(
        RoleAssignment.objects.filter(user=user)
        .select_related("organisation", "school")
        .order_by("role", "organisation_id", "school_id", "pk")
    )


def api_token_for_key(raw: str) -> ApiToken | None:
    """The token whose secret is ``raw`` (only hashes are stored), with its active user; it may
    have expired (``is_expired``): the caller refuses it, saying so."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(raw), user__is_active=True)
        .first()
    )


def api_tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens, newest first, expired ones included (until they revoke them)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
