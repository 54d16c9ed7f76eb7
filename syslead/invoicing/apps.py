from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "syslead.invoicing"
    label = "invoicing"
    verbose_name = "Invoicing"
