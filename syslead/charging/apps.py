from django.apps import AppConfig


class ChargingConfig(AppConfig):
    """Charging: each organisation's rates and broker fees per academic year (docs/rules.md:
    Charging). Formerly ``finance``; its tables kept their names (docs/money.md)."""

    name = "syslead.charging"
    label = "charging"
