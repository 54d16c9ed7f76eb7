from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "syslead.boards"
    verbose_name = "Alliance boards"
