from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "syslead.demo"
    label = "demo"
