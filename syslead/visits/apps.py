from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "syslead.visits"
    label = "visits"
    verbose_name = "Visits and records of support"
