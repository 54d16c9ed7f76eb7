"""UK postcodes: tidy what people type into the register's spelling ("ln1 3jg" → "LN1 3JG")."""

from __future__ import annotations

import re

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def postcode_compact(text: str) -> str:
    """Upper case without spaces: what the register indexes (``postcode_compact``)."""
    return re.sub(r"\s+", "", text or "").upper()


def is_full_postcode(text: str) -> bool:
    return bool(_FULL.match(postcode_compact(text)))


def is_outward_code(text: str) -> bool:
    return bool(_OUTWARD.match(postcode_compact(text)))


def postcode_normalised(text: str) -> str:
    """A full postcode with one space before the inward code; anything else upper-cased as is."""
    compact = postcode_compact(text)
    match = _FULL.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return " ".join((text or "").upper().split())


def outward_code(text: str) -> str:
    """The outward code of a full postcode ("LN1 3JG" → "LN1"), or of an outward code itself."""
    compact = postcode_compact(text)
    match = _FULL.match(compact)
    if match:
        return match.group(1)
    return compact if _OUTWARD.match(compact) else ""
