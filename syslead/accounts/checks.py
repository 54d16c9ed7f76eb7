"""System checks for accounts: the demo's switch for two-factor must never take effect live."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

MFA_FLAG_IGNORED = (
    "SYSLEAD_MFA_REQUIRED=false is ignored because DEBUG is off: two-factor sign-in stays "
    "required for administrators, coordinators, broker leads and safeguarding leads."
)


@register(Tags.security)
def mfa_flag_ignored(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "SYSLEAD_MFA_FLAG_IGNORED", False):
        return [
            Warning(
                MFA_FLAG_IGNORED,
                hint="Remove SYSLEAD_MFA_REQUIRED from the environment, or set DEBUG=true for "
                "the demo.",
                id="accounts.W001",
            )
        ]
    return []
