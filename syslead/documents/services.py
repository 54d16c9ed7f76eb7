"""Adding and removing documents (docs/documents.md): the one place for their rules.

- who: ``syslead.documents.access`` (``NotAllowed``, 403);
- what: a PDF, a Word document, an Excel workbook or an image (PNG, JPEG, GIF); the name's
  extension *and* the file's first bytes must both say so (a program renamed ``.pdf`` is refused);
- how large: at most ``SYSLEAD_DOCUMENT_MAX_BYTES`` (20 MB), and not empty;
- where: through Django's storage API under a random name; the person's file name is kept only
  in the database, and sanitised when the file is downloaded.

Each change is on the record's timeline (``document.added``, ``document.removed``).
"""

from __future__ import annotations

import uuid
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from syslead.brokering.models import SupportRequest
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, field_error
from syslead.documents.access import Owner, may_add, may_remove
from syslead.documents.models import Document, DocumentKind

_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_GIF = (b"GIF87a", b"GIF89a")

#: Each accepted extension: its content type and the first bytes its files start with.
ACCEPTED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (_PDF,)),
    "doc": ("application/msword", (_OLE,)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "png": ("image/png", (_PNG,)),
    "jpg": ("image/jpeg", (_JPEG,)),
    "jpeg": ("image/jpeg", (_JPEG,)),
    "gif": ("image/gif", _GIF),
}

TYPES_TEXT = "a PDF, a Word document, an Excel workbook or an image (PNG, JPEG or GIF)"


def max_bytes() -> int:
    return int(getattr(settings, "SYSLEAD_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))


def size_text(size: int) -> str:
    """A size in words: "1.2 MB", "340 KB", "12 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} byte{'' if size == 1 else 's'}"


def check_file(upload: Any) -> tuple[str, str]:
    """The file's content type and extension; ``ValidationError`` on ``file`` when there is none,
    it is empty or too large, or its name and its content are not both of an accepted type."""
    if upload is None:
        raise field_error("file", "Choose a file to upload.")
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise field_error("file", "The file is empty: choose another file.")
    limit = max_bytes()
    if size > limit:
        given = size_text(size)
        if given == size_text(limit):  # just over: the exact figures say why
            given = f"{size:,} bytes, over {limit:,}"
        raise field_error(
            "file", f"The file must be {size_text(limit)} or smaller (this one is {given})."
        )
    extension = PurePath(str(getattr(upload, "name", "") or "")).suffix.lower().lstrip(".")
    accepted = ACCEPTED.get(extension)
    if accepted is None:
        raise field_error("file", f"The file must be {TYPES_TEXT}.")
    content_type, signatures = accepted
    upload.seek(0)
    head = bytes(upload.read(16))
    upload.seek(0)
    if not head.startswith(signatures):
        raise field_error(
            "file", f"The file's content is not a .{extension} file: it must be {TYPES_TEXT}."
        )
    return content_type, extension


def _owner_fields(owner: Owner) -> dict[str, Any]:
    if isinstance(owner, SupportRequest):
        return {"support_request": owner}
    return {"deployment": owner}


@transaction.atomic
def document_add(
    *, actor: Any, owner: Owner, kind: str, title: str, upload: UploadedFile | Any
) -> Document:
    """Add a document to a request or an agreement: the record's parties only (403), a kind of
    ``DocumentKind``, a title, and an accepted file (``ValidationError`` naming the field)."""
    if not may_add(actor, owner):
        raise NotAllowed("Only the record's parties may add documents to it.")
    errors = FieldErrors()
    if kind not in DocumentKind.values:
        errors.add("kind", "Choose what kind of document it is.")
    title = " ".join(str(title or "").split())
    if not title:
        errors.add("title", "Enter a title for the document.")
    elif len(title) > Document._meta.get_field("title").max_length:  # type: ignore[operator]
        errors.add("title", "The title must be 200 characters or fewer.")
    try:
        content_type, extension = check_file(upload)
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.raise_if_any()
    original = PurePath(str(upload.name)).name[:255]
    document = Document(
        **_owner_fields(owner),
        kind=kind,
        title=title,
        original_name=original,
        content_type=content_type,
        size=int(upload.size or 0),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # A random name: nothing the person typed reaches the storage's path.
    stamp = timezone.now()
    name = f"documents/{stamp:%Y/%m}/{uuid.uuid4().hex}.{extension}"
    document.file.name = document.file.storage.save(name, upload)
    try:
        document.save()
        event_record(
            actor=actor,
            subject=owner,
            verb="document.added",
            summary=f"Document added: {title} ({document.get_kind_display()})",
            data={"document": document.pk, "kind": kind, "title": title},
        )
    except Exception:
        # Nothing half-written: the stored file goes with the row that failed.
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_remove(*, actor: Any, document: Document) -> None:
    """Remove a document: whoever added it or a coordinator of the record's organisation (403).
    The file goes from storage once the removal commits."""
    if not may_remove(actor, document):
        raise NotAllowed("Only whoever added the document or a coordinator may remove it.")
    owner = document.owner
    name = document.file.name
    storage = document.file.storage
    title, kind = document.title, document.kind
    label = document.get_kind_display()
    pk = document.pk
    document.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))
    event_record(
        actor=actor,
        subject=owner,
        verb="document.removed",
        summary=f"Document removed: {title} ({label})",
        data={"document": pk, "kind": kind, "title": title},
    )
