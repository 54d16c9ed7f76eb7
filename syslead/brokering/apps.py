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
        from django.db.models.signals import post_migrate

        from syslead.brokering.facts_memo import on_post_migrate
        from syslead.invitations.signals import invitation_accepted

        # The triggers that keep the leader facts' version (docs/rules.md, "Matching").
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="brokering_facts_version")

        invitation_accepted.connect(
            _on_invitation_accepted, dispatch_uid="brokering_direct_commission_joined"
        )
