from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "syslead.notifications"
    label = "notifications"
