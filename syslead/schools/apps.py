from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "syslead.schools"
    label = "schools"
