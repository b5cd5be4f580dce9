"""The documentation page of every built-in code, generated from the one code
table (:data:`spherelang.checks.CODES`): ``docs/codes/CODE.md`` and the index
``docs/codes/README.md``. SARIF's ``helpUri`` points at these pages.

Regenerate them after changing a check's summary, severity or docstring::

    python -m spherelang.report.codepages docs/codes

``tests/test_docs.py`` fails while the committed pages differ from what this
module writes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping

from ..checks import CODES, CodeInfo

#: The families in the order the index lists them, with their headings.
FAMILIES = {
    "loading": "Loading: syntax, encoding, imports",
    "names": "Names",
    "nesting": "Nesting: what the enclosing spheres grant",
    "balance": "Balance of powers, responsibilities and resources",
    "corridor": "Corridors and elasticity",
    "rules": "User rules",
    "suppression": "Suppression comments",
}

_GENERATED = "Generated from `spherelang.checks.CODES` by `python -m spherelang.report.codepages docs/codes`; " \
             "edit the check's docstring, not this page."


def _markdown(doc: str) -> list[str]:
    """A check's docstring as Markdown: its indented examples fenced, so they
    read as code whatever comes before them."""
    out: list[str] = []
    block: list[str] = []
    for line in doc.split("\n"):
        if line.startswith("    ") or (block and not line.strip()):
            if not block and out and out[-1].strip():
                out.append("")
            block.append(line)
            continue
        if block:
            out += [*_fenced(block), ""]
            block = []
        out.append(line)
    if block:
        out += _fenced(block)
    return out


def _fenced(block: list[str]) -> list[str]:
    while block and not block[-1].strip():
        block = block[:-1]
    return ["```text", *(line[4:] for line in block), "```"]


def page(info: CodeInfo) -> str:
    """The page of one built-in code."""
    found = info.found_by or "the checks over the resolved model"
    lines = [
        f"# {info.code}: {info.name}",
        "",
        f"**{info.summary}**",
        "",
        "| default severity | family | found by |",
        "|---|---|---|",
        f"| {info.severity.label} | {info.family} | {found} |",
        "",
        *_markdown(info.doc),
        "",
        "---",
        "",
        f"[Every code](README.md) · [The language](../language.md) · {_GENERATED}",
    ]
    return "\n".join(lines) + "\n"


def index(codes: Iterable[CodeInfo]) -> str:
    """``docs/codes/README.md``: every code by family, with its severity and summary."""
    by_family: dict[str, list[CodeInfo]] = {}
    for info in codes:
        by_family.setdefault(info.family, []).append(info)
    lines = ["# Diagnostic codes", "",
             "Every diagnostic spherelang reports has a stable code. `sphere explain CODE` prints the page "
             "of a code in the terminal; `sphere rules` lists them with the codes of installed rule packs "
             "and of a model's own `rule` blocks. The severity is the default; a configuration's "
             "`[severity]` table changes it (see [the language](../language.md#configuration)).", ""]
    for family in [*FAMILIES, *sorted(set(by_family) - set(FAMILIES))]:
        if family not in by_family:
            continue
        lines += [f"## {FAMILIES.get(family, family)}", "", "| code | severity | what it finds |", "|---|---|---|"]
        lines += [f"| [{i.code}]({i.code}.md) | {i.severity.label} | {i.summary} |" for i in by_family[family]]
        lines.append("")
    lines += ["---", "", _GENERATED]
    return "\n".join(lines) + "\n"


def pages(codes: Mapping[str, CodeInfo] = CODES) -> dict[str, str]:
    """Every page by file name: ``CODE.md`` for each code, and ``README.md``."""
    found = {f"{code}.md": page(info) for code, info in codes.items()}
    found["README.md"] = index(codes.values())
    return found


def write(directory: str) -> list[str]:
    """Write the pages into ``directory``; the names of the files that changed."""
    os.makedirs(directory, exist_ok=True)
    changed = []
    for name, text in pages().items():
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as fh:
                if fh.read() == text:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        changed.append(name)
    return changed


def main(argv: list[str]) -> int:
    directory = argv[0] if argv else os.path.join("docs", "codes")
    changed = write(directory)
    shown = ": " + ", ".join(changed) if changed else ""
    print(f"{len(changed)} of {len(pages())} pages written in {directory}{shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
