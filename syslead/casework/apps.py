from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Casework across areas: chasing what is outstanding from the page that shows it."""

    name = "syslead.casework"
    default_auto_field = "django.db.models.BigAutoField"
