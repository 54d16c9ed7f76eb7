from django.apps import AppConfig


class ChargingConfig(AppConfig):
    """Charging: each organisation's rates and broker fees per academic year (docs/rules.md:
    Charging). Called ``finance`` until its tables were kept and its name changed (docs/money.md)."""

    name = "syslead.charging"
    label = "charging"
