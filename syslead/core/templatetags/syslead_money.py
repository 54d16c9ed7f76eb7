"""The money filter: ``{{ amount|money }}`` → "£1,750.00" (``syslead.core.money.pounds``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from syslead.core.money import pounds

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """Decimal("1750") → "£1,750.00"; nothing → "£0.00"."""
    return pounds(value if value is not None else Decimal(0))
