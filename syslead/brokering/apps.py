from django.apps import AppConfig


class BrokeringConfig(AppConfig):
    name = "syslead.brokering"
    label = "brokering"
