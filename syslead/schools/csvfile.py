"""Read a CSV file for a bulk import safely: the encoding is decided for the file as a whole, the
file is streamed (memory stays bounded whatever its size) and every row must be as wide as the
header.

Encoding, decided by reading the whole file once before any row is used:

- valid UTF-8 throughout (with or without a byte-order mark): UTF-8;
- no valid UTF-8 character beyond ASCII, and every other byte a Windows-1252 character: Windows-1252
  (how GIAS publishes its downloads);
- both valid UTF-8 characters (such as "é" written as two bytes) and bytes that are not UTF-8: the
  file is refused, naming the line of the first bad byte. Reading it as Windows-1252 would turn
  every accented letter into mojibake ("Ã©") without anyone noticing; reading it as UTF-8 would
  lose the stray byte. The person importing re-saves it in one encoding and imports it again;
- anything else (bytes that are neither UTF-8 nor Windows-1252): refused.

A row with fewer or more fields than the header (a truncated or damaged file), or with a NUL byte,
is reported with its line number and never used, so a cut-short row can never blank the columns
it lacks. A physical line longer than ``MAX_LINE_CHARS`` refuses the file (it is not a CSV of
records).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

CHUNK_BYTES = 1 << 20
MAX_LINE_CHARS = 200_000
UTF8 = "utf-8-sig"
WINDOWS_1252 = "cp1252"

# Decoding with "surrogateescape" turns each byte that is not UTF-8 into U+DC80..U+DCFF.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_UTF8_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# The five bytes Windows-1252 leaves undefined.
_NOT_WINDOWS_1252 = re.compile("[\udc81\udc8d\udc8f\udc90\udc9d]")


class CsvFileError(Exception):
    """The file as a whole cannot be imported; nothing is written."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    urn: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "urn": self.urn, "reason": self.reason}


Opener = Callable[[], IO[bytes]]


def _line_of(text: str, position: int, lines_before: int) -> int:
    return lines_before + text.count("\n", 0, position) + 1


def file_encoding(open_binary: Opener, name: str, error: type[Exception] = CsvFileError) -> str:
    """``UTF8`` or ``WINDOWS_1252`` for the whole file, or ``error`` saying why it is neither."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    lines = 0
    first_bad: tuple[int, int] | None = None  # (line, byte)
    first_utf8: tuple[int, str] | None = None  # (line, character)
    with open_binary() as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            text = decoder.decode(chunk, final=not chunk)
            if first_bad is None and (bad := _NOT_UTF8.search(text)):
                first_bad = (_line_of(text, bad.start(), lines), ord(bad.group()) - 0xDC00)
            if first_utf8 is None and (good := _UTF8_BEYOND_ASCII.search(text)):
                first_utf8 = (_line_of(text, good.start(), lines), good.group())
            if first_bad is not None and (undefined := _NOT_WINDOWS_1252.search(text)):
                line = _line_of(text, undefined.start(), lines)
                raise error(
                    f"{name} is neither UTF-8 nor Windows-1252: line {line} has the byte "
                    f"0x{ord(undefined.group()) - 0xDC00:02X}, which neither encoding uses. "
                    "Save the file as UTF-8 and import it again."
                )
            lines += text.count("\n")
            if not chunk:
                break
    if first_bad is None:
        return UTF8
    if first_utf8 is not None:
        bad_line, byte = first_bad
        good_line, character = first_utf8
        raise error(
            f"{name} mixes two encodings: line {good_line} has UTF-8 text ('{character}') but "
            f"line {bad_line} has the byte 0x{byte:02X}, which is not UTF-8. Reading the file "
            "either way would corrupt some names. Save the file as UTF-8 (or as Windows-1252) "
            "and import it again."
        )
    return WINDOWS_1252


def _bounded_lines(text: IO[str], name: str, error: type[Exception]) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise error(
                f"{name} line {number} is longer than {MAX_LINE_CHARS:,} characters: "
                "this is not a file of records, one per line."
            )
        yield line


class CsvStream:
    """One pass over the records of a CSV file, after its encoding has been decided:

    ``with CsvStream(opener, "file.csv") as stream: stream.header; for line, values, problem in
    stream.rows(): ...``. ``problem`` is None for a usable row, else why the row cannot be used
    (its width or a NUL byte). Blank rows are skipped. A file-level fault raises ``error``.
    """

    def __init__(
        self, open_binary: Opener, name: str, error: type[Exception] = CsvFileError
    ) -> None:
        self._open = open_binary
        self.name = name
        self._error = error
        self.encoding = file_encoding(open_binary, name, error)
        self.header: list[str] = []
        self._binary: IO[bytes] | None = None

    def __enter__(self) -> CsvStream:
        self._binary = self._open()
        text = io.TextIOWrapper(self._binary, encoding=self.encoding, newline="")
        self._reader = csv.reader(_bounded_lines(text, self.name, self._error))
        header = self._next()
        self.header = [n.strip().lstrip("\ufeff") for n in header] if header else []
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._binary is not None:
            self._binary.close()

    def _next(self) -> list[str] | None:
        line = self._reader.line_num + 1
        try:
            return next(self._reader, None)
        except csv.Error as problem:
            raise self._error(
                f"{self.name} is not a readable CSV file (line {line}): {problem}."
            ) from problem
        except UnicodeDecodeError as problem:  # the file changed since its encoding was checked
            raise self._error(
                f"{self.name} changed while being read (line {line} is not "
                f"{self.encoding}); import it again."
            ) from problem

    def rows(self) -> Iterator[tuple[int, list[str], str | None]]:
        width = len(self.header)
        while True:
            line = self._reader.line_num + 1
            values = self._next()
            if values is None:
                return
            if not any(value.strip() for value in values):
                continue
            problem = None
            if len(values) != width:
                problem = (
                    f"The row has {len(values)} fields but the header has {width}: "
                    f"the row is {'cut short' if len(values) < width else 'too long'} "
                    "(a truncated or damaged file?), so none of it is used."
                )
            elif any("\x00" in value for value in values):
                problem = "The row contains a NUL byte (a damaged file?), so none of it is used."
            yield line, values, problem
