"""Every text Syslead stores or reads from a form has a maximum length: each model's text
columns, and each form's text fields (those made from a model and those declared by hand)."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.apps import apps
from django.db import models

import syslead
from syslead.core.limits import TEXT_MAX_LENGTH


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(syslead.__path__, "syslead."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if module.name.rsplit(".", 1)[-1] in ("forms",) or ".forms." in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("syslead.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_text_column_has_a_maximum_length() -> None:
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("syslead.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not field.max_length
    ]
    assert unbounded == []


def test_longer_texts_share_one_maximum() -> None:
    lengths = {
        field.max_length
        for model in apps.get_models()
        if model.__module__.startswith("syslead.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    }
    assert lengths == {TEXT_MAX_LENGTH}


def test_every_text_field_of_every_form_has_a_maximum_length() -> None:
    found = _project_forms()
    assert len(found) > 50
    unbounded = sorted(
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in found
        for name, field in getattr(form, "base_fields", {}).items()
        if type(field) in (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField)
        and field.max_length is None
        and not isinstance(field.widget, forms.PasswordInput)
    )
    assert unbounded == []
