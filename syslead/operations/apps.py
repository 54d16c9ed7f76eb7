from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "syslead.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from syslead.operations.logs import connect_task_signals

        connect_task_signals()
