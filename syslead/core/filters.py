"""GET filters as Django forms: which organisation, term or viewpoint a page shows (docs/ux.md,
"Filters").

A :class:`FilterForm` is always bound to the query string, so its fields are rendered by the
project's form renderer (``core/govuk_forms.py``) like every other field. A filter never fails
a page: a value that is missing, empty or not one of the choices is ignored — the page shows the
field's default (its ``initial``) — and, when something was asked for and could not be chosen,
the field says so in a GOV.UK error message while the select shows what the page shows instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django import forms
from django.http import QueryDict

from syslead.core.academic_years import Term
from syslead.core.govuk_forms import lower_first


class Named(Protocol):
    """A record a filter chooses: an organisation, say."""

    pk: Any
    name: str


def ignored_message(label: str) -> str:
    """The error a filter shows for a value it ignored."""
    return (
        f"The {lower_first(label)} asked for is not one you can choose: "
        "the page shows the one selected here instead"
    )


def _values(data: Any, key: str) -> list[Any]:
    """Every value the query string (or a plain mapping) gives for the key."""
    if hasattr(data, "getlist"):
        return list(data.getlist(key))
    return [data[key]]


class FilterForm(forms.Form):
    """A GET form whose choices are set by the page; see the module docstring.

    Subclasses declare their fields with ``required=False`` and, once the choices are known, set
    each field's ``initial`` to the page's default. Ids are the field names (``id="term"``), as
    the hand-written filters had them.
    """

    def __init__(self, data: Mapping[str, Any] | None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(data if data is not None else {}, **kwargs)

    def set_choices(self, name: str, choices: Sequence[tuple[Any, str]], default: Any) -> None:
        """The field's choices and the value the page shows when none (or a wrong one) is asked."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(choices)
        field.initial = default
        field.error_messages["invalid_choice"] = ignored_message(str(field.label or name))

    def full_clean(self) -> None:
        """Clean, then put each field's default in place of a value that is empty or wrong (in the
        cleaned data and in the data the select is drawn from); the wrong one keeps its error."""
        super().full_clean()
        data = QueryDict(mutable=True)
        for key in self.data:
            data.setlist(key, _values(self.data, key))
        errors = self.errors
        for name, field in self.fields.items():
            if name in errors or self.cleaned_data.get(name) in (None, ""):
                self.cleaned_data[name] = field.initial
                data[name] = "" if field.initial is None else str(field.initial)
        self.data = data

    def chosen(self, name: str) -> Any:
        """The value the page shows for the field: the one asked for, else the default."""
        self.is_valid()
        return self.cleaned_data[name]


class OrganisationFilterForm(FilterForm):
    """Which of the person's organisations the page is about (the first when none is asked); a
    page shows the field only when there is more than one to choose from."""

    organisation = forms.TypedChoiceField(
        label="Organisation", required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, organisations: Sequence[Named], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.organisations = list(organisations)
        first = self.organisations[0].pk if self.organisations else None
        self.set_choices("organisation", [(o.pk, o.name) for o in self.organisations], first)

    def organisation_chosen(self) -> Any:
        """The organisation the page shows."""
        pk = self.chosen("organisation")
        return next(o for o in self.organisations if o.pk == pk)


class TermFilterForm(FilterForm):
    """Which of an agreement's school terms the page shows (``default`` when none is asked)."""

    term = forms.ChoiceField(label="Term", required=False)

    def __init__(
        self, data: Mapping[str, Any] | None, *, terms: Sequence[Term], default: Term, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.terms = {term.key: term for term in terms}
        self.set_choices("term", [(term.key, term.label) for term in terms], default.key)

    def term_chosen(self) -> Term:
        """The term the page shows."""
        return self.terms[self.chosen("term")]
