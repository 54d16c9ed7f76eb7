from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "syslead.calendars"
    verbose_name = "School calendars and calendar feeds"

    def ready(self) -> None:
        from syslead.calendars import signals  # noqa: F401
