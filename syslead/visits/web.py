"""Helpers the delivery pages share: showing a service's refusal in the page."""

from __future__ import annotations

from django import forms

from syslead.core.service_calls import run_service

__all__ = ["RefusalForm", "run_service"]


class RefusalForm(forms.Form):
    """No fields: carries a service's refusal to the page's error summary."""
