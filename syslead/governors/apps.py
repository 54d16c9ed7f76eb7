from django.apps import AppConfig


class GovernorsConfig(AppConfig):
    name = "syslead.governors"
    label = "governors"
    verbose_name = "Governing bodies"
