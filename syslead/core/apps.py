from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "syslead.core"
    label = "core"
