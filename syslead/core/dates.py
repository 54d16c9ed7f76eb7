"""The GOV.UK date input: a date entered as day, month and year, with the Design System's error
messages ("… must include a month", "… must be a real date", "… must be in the past").

The three inputs are named ``<name>_day``, ``<name>_month`` and ``<name>_year`` (ids
``id_<name>_0``, ``_1``, ``_2``); the cleaned value is a :class:`datetime.date`. See docs/ux.md,
"Dates".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

PARTS = ("day", "month", "year")
EXAMPLE_HINT = "For example, 27 3 2027"


class GovukDateWidget(forms.MultiWidget):
    """Three text inputs (numeric keyboard) for day, month and year."""

    template_name = "django/forms/widgets/govuk_date.html"
    govuk_kind = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        inputs: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            for part in PARTS
        }
        super().__init__(inputs, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                parsed = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = set(str(attrs.pop("data-error-parts", "")).split())
        input_class = attrs.pop("class", "")
        context = super().get_context(name, value, attrs)
        for part, sub in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            sub["part"] = part
            sub["label"] = part.capitalize()
            sub["attrs"]["class"] = " ".join(
                c
                for c in (
                    "govuk-input govuk-date-input__input",
                    "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
                    "govuk-input--error" if part in error_parts else "",
                )
                if c
            )
            sub["attrs"].pop("aria-describedby", None)
        context["widget"]["input_class"] = input_class
        return context


class GovukDateHiddenWidget(forms.MultiWidget):
    """The same three values as hidden inputs (a check-your-answers page carries them on)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        inputs: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.HiddenInput() for part in PARTS
        }
        super().__init__(inputs, attrs)

    def decompress(self, value: Any) -> list[Any]:
        return GovukDateWidget.decompress(self, value)  # type: ignore[arg-type]


def _label(field: forms.Field) -> str:
    return str(field.label or "Date")


class GovukDateField(forms.MultiValueField):
    """A date as day, month and year.

    ``past=True`` / ``future=True`` add the rule "must be in the past / future" (today counts as
    neither); ``earliest`` / ``latest`` (dates, or callables giving one) add "must be the same as
    or after …" / "… before …".
    """

    widget = GovukDateWidget
    hidden_widget = GovukDateHiddenWidget

    def __init__(
        self,
        *,
        past: bool = False,
        future: bool = False,
        earliest: dt.date | Callable[[], dt.date] | None = None,
        latest: dt.date | Callable[[], dt.date] | None = None,
        **kwargs: Any,
    ) -> None:
        self.past, self.future = past, future
        self.earliest, self.latest = earliest, latest
        hint = str(kwargs.get("help_text") or "")
        kwargs["help_text"] = f"{hint} {EXAMPLE_HINT}".strip() if "example" not in hint else hint
        fields = tuple(forms.CharField(required=False) for _ in PARTS)
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        """Read the three parts and apply the Design System's rules, in its order."""
        if isinstance(value, dt.date):
            parts = [str(value.day), str(value.month), str(value.year)]
        else:
            value = value if isinstance(value, (list, tuple)) else ["", "", ""]
            parts = [str(v or "").strip() for v in [*value, "", "", ""][:3]]
        label = _label(self)
        if not any(parts):
            if self.required:
                message = str(self.error_messages["required"])
                if message == str(forms.Field.default_error_messages["required"]):
                    message = f"Enter {_lower(label)}"
                raise ValidationError(message, code="required")
            return None
        missing = [part for part, v in zip(PARTS, parts, strict=True) if not v]
        if missing:
            raise ValidationError(
                f"{label} must include a {' and a '.join(missing)}",
                code="incomplete",
                params={"parts": missing},
            )
        day, month, year = parts
        if not all(v.isdigit() for v in parts):
            bad = [part for part, v in zip(PARTS, parts, strict=True) if not v.isdigit()]
            raise ValidationError(
                f"{label} must be a real date", code="invalid", params={"parts": bad}
            )
        if len(year) != 4:
            raise ValidationError(
                "Year must include 4 numbers", code="invalid_year", params={"parts": ["year"]}
            )
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"{label} must be a real date", code="invalid", params={"parts": list(PARTS)}
            ) from None
        self._check_rules(date, label)
        return date

    def _check_rules(self, date: dt.date, label: str) -> None:
        today = timezone.localdate()
        if self.past and date >= today:
            raise ValidationError(f"{label} must be in the past", code="past")
        if self.future and date <= today:
            raise ValidationError(f"{label} must be in the future", code="future")
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        if earliest and date < earliest:
            raise ValidationError(
                f"{label} must be the same as or after {_long(earliest)}", code="earliest"
            )
        latest = self.latest() if callable(self.latest) else self.latest
        if latest and date > latest:
            raise ValidationError(
                f"{label} must be the same as or before {_long(latest)}", code="latest"
            )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        """The three parts as one date, by the same rules as ``clean`` (which Django's own
        ``MultiValueField.clean`` would otherwise call this from)."""
        return self.clean(data_list)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def date_input_data(name: str, value: dt.date | str) -> dict[str, str]:
    """What a browser posts for the date input ``name`` holding ``value`` (a date or ISO text):
    ``{"<name>_day": "27", "<name>_month": "3", "<name>_year": "2027"}``."""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return {
        f"{name}_day": str(date.day),
        f"{name}_month": str(date.month),
        f"{name}_year": str(date.year),
    }


def _lower(label: str) -> str:
    from syslead.core.govuk_forms import lower_first

    return lower_first(label)


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"
