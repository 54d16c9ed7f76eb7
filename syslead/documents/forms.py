"""The form that adds a document (docs/documents.md); its rules are the service's."""

from __future__ import annotations

from django import forms

from syslead.documents.models import Document, DocumentKind
from syslead.documents.services import ACCEPTED, TYPES_TEXT, max_bytes, size_text


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=[("", "Choose a kind"), *DocumentKind.choices],
        error_messages={
            "required": "Choose what kind of document it is.",
            "invalid_choice": "Choose what kind of document it is.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=Document._meta.get_field("title").max_length,
        error_messages={
            "required": "Enter a title for the document.",
            "max_length": "The title must be 200 characters or fewer.",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        max_length=255,
        widget=forms.FileInput(
            attrs={
                "class": "govuk-file-upload file-upload",
                "accept": ",".join(f".{extension}" for extension in ACCEPTED),
            }
        ),
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty: choose another file.",
            "invalid": "Choose a file to upload.",
            "max_length": "The file's name must be 255 characters or fewer.",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields[
            "file"
        ].help_text = (
            f"{TYPES_TEXT[0].upper()}{TYPES_TEXT[1:]}, {size_text(max_bytes())} or smaller."
        )
