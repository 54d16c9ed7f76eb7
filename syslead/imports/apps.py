from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "syslead.imports"
    label = "imports"
    verbose_name = "Imports"
