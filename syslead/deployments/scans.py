"""Checking a scan of a signature given on paper before it is stored: a PDF or an image (PNG,
JPEG, TIFF or WebP), at most ``SCAN_MAX_BYTES``, its type read from its first bytes (never from
its name or the type the browser claims)."""

from __future__ import annotations

from typing import Any

from syslead.core.exceptions import field_error

#: The largest scan accepted (20 MB).
SCAN_MAX_BYTES = 20 * 1024 * 1024

#: What each accepted type's file starts with, its content type and extension.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"II*\x00", "image/tiff", "tif"),
    (b"MM\x00*", "image/tiff", "tif"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and extension of a file from its first bytes, or None if not accepted."""
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check_scan(upload: Any) -> tuple[str, str]:
    """The scan's content type and extension; ValidationError on ``scan`` when there is none,
    it is too large or it is not a PDF or an image."""
    if upload is None or not getattr(upload, "size", 0):
        raise field_error("scan", "Upload a scan of the signed agreement.")
    if upload.size > SCAN_MAX_BYTES:
        raise field_error(
            "scan", f"The scan must be 20 MB or smaller (this one is {upload.size:,} bytes)."
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(bytes(head))
    if found is None:
        raise field_error("scan", "The scan must be a PDF or an image (PNG, JPEG, TIFF or WebP).")
    return found
