from django.apps import AppConfig


class DeploymentsConfig(AppConfig):
    name = "syslead.deployments"
    label = "deployments"

    def ready(self) -> None:
        # A leader who moves school: their live agreements are flagged (deployments.moves).
        from syslead.deployments.moves import flag_live_agreements
        from syslead.leaders.signals import leader_moved

        leader_moved.connect(flag_live_agreements, dispatch_uid="deployments.flag_live_agreements")
