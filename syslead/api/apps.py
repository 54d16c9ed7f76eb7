from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "syslead.api"
    label = "api"
