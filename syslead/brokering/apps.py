from typing import Any

from django.apps import AppConfig


def _on_invitation_accepted(sender: Any, *, invitation: Any, user: Any, **kwargs: Any) -> None:
    """A leader a school named by e-mail joined: they are asked (docs/rules.md, "Direct
    commissioning")."""
    from syslead.brokering.services.direct import direct_commission_joined

    direct_commission_joined(invitation, user)


class BrokeringConfig(AppConfig):
    name = "syslead.brokering"
    label = "brokering"

    def ready(self) -> None:
        from syslead.invitations.signals import invitation_accepted

        invitation_accepted.connect(
            _on_invitation_accepted, dispatch_uid="brokering_direct_commission_joined"
        )
