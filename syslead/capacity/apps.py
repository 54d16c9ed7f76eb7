from django.apps import AppConfig


class CapacityConfig(AppConfig):
    """The capacity ledger: no tables of its own, it reads the areas' (docs/architecture.md)."""

    name = "syslead.capacity"
    label = "capacity"
