from django.apps import AppConfig


class DeploymentsConfig(AppConfig):
    name = "syslead.deployments"
    label = "deployments"
