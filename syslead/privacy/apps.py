from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "syslead.privacy"
    label = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from syslead.privacy import signals  # noqa: F401  (connects the departure clock)
