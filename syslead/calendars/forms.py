"""The term dates form, with the GOV.UK date input pattern: each date as day, month and year
fields, and the GOV.UK error messages ("… must include a month", "… must be a real date")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from syslead.calendars.models import DATE_FIELDS, date_field_label, validate_term_dates

PARTS = ("day", "month", "year")


class DateInputWidget(forms.Widget):
    """Three inputs named ``<name>-day``, ``<name>-month`` and ``<name>-year``."""

    template_name = "calendars/widgets/date_input.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str, str]:
        day, month, year = (str(data.get(f"{name}-{part}", "") or "") for part in PARTS)
        return day, month, year

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in PARTS)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        parts: list[str] = ["", "", ""]
        if isinstance(value, dt.date):
            parts = [str(value.day), str(value.month), str(value.year)]
        elif isinstance(value, (tuple, list)) and len(value) == 3:
            parts = [str(v) for v in value]
        context["describedby"] = (attrs or {}).get("aria-describedby", "")
        context["parts"] = [
            {"part": part, "label": part.capitalize(), "value": value_}
            for part, value_ in zip(PARTS, parts, strict=True)
        ]
        return context


class GovukDateField(forms.Field):
    widget = DateInputWidget

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        parts = [str(v).strip() for v in (value or ("", "", ""))]
        label = str(self.label)
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {label[0].lower()}{label[1:]}", code="required")
            return None
        missing = [name for name, v in zip(PARTS, parts, strict=True) if not v]
        if missing:
            raise ValidationError(
                f"{label} must include a {' and a '.join(missing)}", code="incomplete"
            )
        day, month, year = parts
        if not all(v.isdigit() for v in parts):
            raise ValidationError(f"{label} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None

    def validate(self, value: Any) -> None:
        """``to_python`` has said all there is to say (including "Enter …")."""


class TermDatesForm(forms.Form):
    """The twelve dates of an academic year: each term's first and last days and its
    half-term's, in order and inside the year (checked again by the service)."""

    def __init__(self, *args: Any, academic_year: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        for name in DATE_FIELDS:
            self.fields[name] = GovukDateField(label=date_field_label(name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            validate_term_dates(self.academic_year, {name: data.get(name) for name in DATE_FIELDS})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data

    def term_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields term by term, for the page."""
        return [
            (term, [self[name] for name in DATE_FIELDS if name.startswith(f"{term}_")])
            for term in ("autumn", "spring", "summer")
        ]
