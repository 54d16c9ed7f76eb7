from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "syslead.organisations"
    label = "organisations"
