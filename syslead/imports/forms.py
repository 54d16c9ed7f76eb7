"""The upload form of the leaders import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from syslead.imports.files import MAX_IMPORT_BYTES
from syslead.organisations.models import Organisation


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Which organisation are these leaders for?",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the organisation"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx), 10 MB at most, with the template's "
        "columns.",
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        self.only: Organisation | None = (
            organisations.first() if organisations.count() == 1 else None
        )
        if self.only is not None:  # one organisation: nothing to ask
            field.widget = forms.HiddenInput()
            field.initial = self.only
            field.required = False

    def clean_organisation(self) -> Organisation | None:
        return self.cleaned_data.get("organisation") or self.only

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV or an Excel .xlsx file")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        return upload
