"""Django's forms rendered as the GOV.UK Design System writes them, and its error messages.

The form renderer (``FORM_RENDERER`` in settings) gives every form a :class:`GovukBoundField`:

* its field template (``templates/django/forms/field.html``) writes the Design System's markup —
  label, hint, error message with a visually hidden "Error:", the input with its error class,
  radios and checkboxes in a fieldset with a legend, a character count where a text has a
  ``max_length``, the date input for :class:`~syslead.core.dates.GovukDateField`;
* when it is made (before the form is cleaned) it replaces Django's own error messages ("This
  field is required.") with ones written from the field's label ("Enter the summary", "Days
  requested must be 24 or fewer"). A message a form sets itself (``error_messages=...``) is kept.

See docs/ux.md, "Forms" and "Error messages".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString

# The classes our templates wrote before the Design System's, and theirs.
WIDTH_CLASSES = {
    "input--short": "govuk-input--width-10",
    "input--number": "govuk-input--width-5",
}


def lower_first(label: str) -> str:
    """ "Days requested" → "days requested"; "URN" and "SIP" keep their capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def field_kind(field: forms.Field) -> str:
    """Which Design System component renders the field."""
    from syslead.core.dates import GovukDateField

    widget = field.widget
    if isinstance(field, GovukDateField) or getattr(widget, "govuk_kind", "") == "date":
        return "date"
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


def default_messages(field: forms.Field, label: str) -> dict[str, str]:
    """The Design System's messages for a field's rules, built from its label.

    ``%(limit_value)s`` and the like are filled in by Django from the rule that failed.
    """
    kind = field_kind(field)
    name = lower_first(label)
    choose = kind in {"radios", "checkboxes", "select", "checkbox"}
    if kind == "checkbox":
        required = f"Select “{label}” to continue"
    elif choose:
        required = f"Select {name}"
    else:
        required = f"Enter {name}"
    whole = isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField)
    numeric = isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField)
    messages = {
        "required": required,
        "invalid_choice": f"Select {name} from the list",  # noqa: S608 (not SQL)
        "invalid_list": f"Select {name} from the list",  # noqa: S608
        "max_length": f"{label} must be %(limit_value)s characters or fewer",
        "min_length": f"{label} must be %(limit_value)s characters or more",
        "max_value": f"{label} must be %(limit_value)s or {'fewer' if whole else 'less'}",
        "min_value": f"{label} must be %(limit_value)s or more",
    }
    if numeric:
        messages["invalid"] = f"{label} must be {'a whole number' if whole else 'a number'}"
        messages["max_decimal_places"] = f"{label} must have no more than %(max)s decimal places"
        messages["max_digits"] = f"{label} must be %(max)s digits or fewer"
        messages["max_whole_digits"] = f"{label} must be %(max)s digits or fewer before the point"
        messages["step_size"] = f"{label} must be a multiple of %(limit_value)s"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://example.org"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{label} must be a real date"
    return messages


# Django's own messages, which ours replace (a message a form wrote itself is left alone).
def _django_defaults(field: forms.Field) -> set[str]:
    defaults: set[str] = set()
    for cls in reversed(type(field).__mro__):
        defaults.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    return defaults


# The codes of Django's validators (their messages are replaced through the field's
# error_messages, see ``Field.run_validators``).
VALIDATOR_CODES = {
    "invalid",
    "max_length",
    "min_length",
    "max_value",
    "min_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "step_size",
}


def apply_default_messages(field: forms.Field, label: str) -> None:
    """Replace the field's Django-default messages with the Design System's (in place: a bound
    form's fields are its own copies)."""
    if getattr(field, "_govuk_messages", False):
        return
    defaults = _django_defaults(field)
    for code, message in default_messages(field, label).items():
        current = field.error_messages.get(code)
        if current is None and code not in VALIDATOR_CODES:
            continue  # a rule the field does not have
        if current is not None and str(current) not in defaults:
            continue  # the form's own wording
        field.error_messages[code] = message
    field._govuk_messages = True  # type: ignore[attr-defined]


class GovukBoundField(BoundField):
    """A bound field that knows its Design System component and writes its messages."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        label = str(self.label or name.replace("_", " ").capitalize())
        apply_default_messages(field, label)

    @property
    def kind(self) -> str:
        return field_kind(self.field)

    @property
    def anchor_id(self) -> str:
        """Where the error summary links: the input, or a group's first input."""
        if self.kind in {"radios", "checkboxes", "date"}:
            return f"{self.auto_id}_0" if self.auto_id else ""
        return str(self.id_for_label or self.auto_id or "")

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        if self.character_count:
            ids.append(f"{self.auto_id}-info")
        return " ".join(ids)

    @property
    def character_count(self) -> int | None:
        """The limit a textarea's character count shows (its field's ``max_length``)."""
        if self.kind != "textarea":
            return None
        limit = getattr(self.field, "max_length", None)
        return int(limit) if limit else None

    def error_parts(self) -> list[str]:
        """The parts of a date input to mark as wrong: the ones an error names, else all."""
        parts: list[str] = []
        for error in self.form.errors.as_data().get(self.name, []):
            named = (error.params or {}).get("parts")
            parts.extend(named if named else ["day", "month", "year"])
        return parts

    def govuk_widget(self) -> SafeString:
        """The input with the Design System's classes and ``aria-describedby``."""
        kind = self.kind
        own = str(self.field.widget.attrs.get("class", ""))
        classes = [WIDTH_CLASSES.get(c, c) for c in own.split()]
        error = bool(self.errors)
        if kind in {"input", "date"}:
            classes.insert(0, "govuk-input")
            if error:
                classes.append("govuk-input--error")
        elif kind == "textarea":
            classes.insert(0, "govuk-textarea")
            if self.character_count:
                classes.append("govuk-js-character-count")
            if error:
                classes.append("govuk-textarea--error")
        elif kind == "select":
            classes.insert(0, "govuk-select")
            if error:
                classes.append("govuk-select--error")
        elif kind == "file":
            classes.insert(0, "govuk-file-upload")
            if error:
                classes.append("govuk-file-upload--error")
        elif kind == "checkbox":
            classes.insert(0, "govuk-checkboxes__input")
        attrs: dict[str, Any] = {"class": " ".join(classes)} if classes else {}
        if self.describedby and kind not in {"radios", "checkboxes", "date"}:
            attrs["aria-describedby"] = self.describedby
        if self.character_count:
            # The character count tells of a text too long; the browser must not cut it short.
            attrs["maxlength"] = False
        if kind == "date" and error:
            attrs["data-error-parts"] = " ".join(self.error_parts())
        return SafeString(self.as_widget(attrs=attrs))


class GovukFormRenderer(TemplatesSetting):
    """The project's templates first (``templates/django/forms/...`` override Django's), and a
    :class:`GovukBoundField` for every field."""

    bound_field_class = GovukBoundField
