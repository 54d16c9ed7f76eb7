"""Docstrings and comments cite the repository's own documents (docs/README.md: a reader of the
repository has nothing outside it). A rule is written in ``docs/`` and cited as, say,
"docs/rules.md: Capacity"; never "the seeds", a document of another project ("product.md",
"api-v1"), nor a source paper (an alliance's agreement, a local authority's protocol) a reader
cannot open."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CODE = ROOT / "syslead"

#: Words that name a document outside the repository.
OUTSIDE = re.compile(
    r"\bseeds\b|\bthe seed\b|\bapi-v1\b|\bLLF\b|\bLeading Learning Forward\b"
    # A source paper by its owner's name (the names alone are demo data): "KYRA LLE agreement",
    # "South Gloucestershire 9.2", "KYRA: the LLE will", '(South Gloucestershire)'.
    r"|\b(?:KYRA|South Gloucestershire)(?:'s)?"
    r"(?=[\s,]*(?:\d+\.\d|LLE|designation|association model|code of conduct|agreement"
    r"|protocols?|contract|support|charging|funding|guidance|principles|criteria|model|form)\b"
    r"|:\s+[\"“a-z]|\s+[\"“])"
    r"|(?:\s\(|: )(?:KYRA|South Gloucestershire)\)",
)
#: A Markdown document: it must be one in the repository (from its root, or in docs/).
MARKDOWN = re.compile(r"(?<![\w/.-])([\w./-]+\.md)\b")


def _problems(path: Path) -> list[str]:
    return _problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


def _problems_in(text: str, name: str) -> list[str]:
    """Each citation of a document outside the repository, as "file:line: text" (a citation may
    run over the end of a line, so the whole text is searched)."""
    lines = text.splitlines()
    at = [match.start() for match in OUTSIDE.finditer(text)] + [
        match.start()
        for match in MARKDOWN.finditer(text)
        if not ((ROOT / match[1]).is_file() or (ROOT / "docs" / match[1]).is_file())
    ]
    found = []
    for start in sorted(at):
        number = text.count("\n", 0, start) + 1
        found.append(f"{name}:{number}: {lines[number - 1].strip()}")
    return found


def test_python_files_cite_only_documents_in_the_repository() -> None:
    """docs/README.md: the documents a docstring cites are in docs/ (a rule missing there is
    added to docs/rules.md), so every reader can open them."""
    problems = [
        problem
        for path in sorted(CODE.rglob("*.py"))
        if path.name != "test_citations.py" and "migrations" not in path.parts
        for problem in _problems(path)
    ]
    assert problems == [], "\n".join(problems)


def test_the_check_catches_a_citation_of_a_document_outside_the_repository() -> None:
    for line in (
        "# in the seeds' words",
        '"""See product.md."""',
        '# (api-v1 "Who may do what")',
        '# KYRA LLE agreement: "inform the broker"',
        "# (South Gloucestershire 9.2)",
        '# Leading Learning Forward "up to a maximum of 15 days"',
        '"""(South Gloucestershire:\n    "identify three")"""',
        "# (LLF: date, time in hours)",
        "# KYRA: the LLE will tell",
        "# (South Gloucestershire). Read-only.",
    ):
        assert _problems_in(line, "probe.py"), line
    for line in (
        "# docs/rules.md: Capacity",
        "# docs/ux.md and README.md",
        'NAME = "KYRA Teaching School Alliance"',
        'AREA = "South Gloucestershire"',
        "assert reports == {KYRA: FinalReportStatus.APPROVED}",
        '("alice.hart@kyra.example", KYRA),',
        "# the other organisation (South Gloucestershire Council)",
    ):
        assert not _problems_in(line, "probe.py"), line
