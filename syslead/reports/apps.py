from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "syslead.reports"
    label = "reports"
    verbose_name = "Reports and KPIs"
