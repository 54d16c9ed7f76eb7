"""The limits of what people may send, in one place for the models, the forms, the pages and the
API: how long a longer text may be (a note of visit's focus, a summary, a pen portrait, a
reason; titles and names are bounded by their columns' own lengths), and which numbers can be
ids or URNs."""

from __future__ import annotations

import re

from django.conf import settings

#: The most characters a longer text may hold (about 1,500 words).
TEXT_MAX_LENGTH = 10_000

#: Ids are 64-bit (``BigAutoField``): the largest the database holds.
MAX_ID = 2**63 - 1
#: School URNs are the register's 32-bit keys.
MAX_URN = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,20}")


def whole_number(text: object, maximum: int = MAX_ID) -> int | None:
    """The whole number from 0 to ``maximum`` that a query string, a search box or a form value
    names, or None: only ASCII digits count ("²" is not a number here), and a number beyond the
    database's range (9223372036854775808) finds nothing rather than failing."""
    value = str(text).strip() if text is not None else ""
    if not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


def body_limit_text() -> str:
    """The request body limit in words: "2.5 MB (2,621,440 bytes)"."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return f"{limit / (1024 * 1024):.1f} MB ({limit:,} bytes)"


def too_large_detail() -> str:
    """What a 413 says, on a page or in the API's ``detail``."""
    return f"The request is too large: at most {body_limit_text()} may be sent at once."
