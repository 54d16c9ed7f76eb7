from typing import Any

from django.apps import AppConfig


def _on_invitation_accepted(sender: Any, *, invitation: Any, user: Any, **kwargs: Any) -> None:
    from syslead.leaders.services.pending import pending_application_attach

    pending_application_attach(invitation=invitation, user=user)


class LeadersConfig(AppConfig):
    name = "syslead.leaders"
    label = "leaders"

    def ready(self) -> None:
        from syslead.invitations.signals import invitation_accepted

        invitation_accepted.connect(_on_invitation_accepted, dispatch_uid="leaders_pending_attach")
