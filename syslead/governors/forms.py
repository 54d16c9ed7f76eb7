"""The governing body's form: someone to invite (the invitations area's form) and whether they
chair the governing body."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.invitations.forms import SomeoneToInviteForm


class GovernorToInviteForm(SomeoneToInviteForm):
    role = forms.ChoiceField(
        label="Their place on the governing body",
        widget=forms.RadioSelect,
        choices=[("governor", "Governor"), ("chair", "Chair of governors")],
        initial="governor",
        error_messages={"required": "Select whether they are a governor or the chair."},
    )

    def __init__(self, *args: Any, may_name_chair: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_name_chair:
            self.fields["role"].choices = [("governor", "Governor")]  # type: ignore[attr-defined]
