from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "syslead.finance"
    label = "finance"
