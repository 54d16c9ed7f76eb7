from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "syslead.alliances"
    verbose_name = "Alliance members and meetings"
