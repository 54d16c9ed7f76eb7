from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:  # the models load after the app's config
    from syslead.accounts.models import User

logger = logging.getLogger("syslead.accounts")


class AccountsConfig(AppConfig):
    name = "syslead.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in

        from syslead.accounts import checks  # registers the system checks

        user_logged_in.connect(_signed_in, dispatch_uid="syslead.accounts.signed_in")
        if getattr(settings, "SYSLEAD_MFA_FLAG_IGNORED", False):
            logger.warning(checks.MFA_FLAG_IGNORED)


def _signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """As anyone signs in (with a password, or a test's force_login): start the session's clock
    and note whether a code or an app set-up is still needed."""
    if request is None or not hasattr(request, "session"):
        return
    from syslead.accounts.browser_sessions import session_started
    from syslead.accounts.two_factor import session_signed_in

    session_signed_in(request.session, user)
    session_started(request, user)
