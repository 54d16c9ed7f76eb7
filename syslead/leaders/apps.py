from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "syslead.leaders"
    label = "leaders"
