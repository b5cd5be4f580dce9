"""Rendered output against golden files (tests/golden/NAME.FORMAT.out).

Run ``pytest --update-golden`` after a deliberate change of wording or layout
and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spherelang.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.glob("*.sphere"))
FORMATS = {"text": [], "json": ["--format", "json"], "concise": ["--format", "concise"]}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", CASES)
def test_golden_output(name: str, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                       update_golden: bool) -> None:
    monkeypatch.chdir(GOLDEN)
    monkeypatch.setenv("NO_COLOR", "1")
    with pytest.raises(SystemExit):
        main(["check", "--fail-on", "info", *FORMATS[fmt], name])
    out = capsys.readouterr().out
    expected = GOLDEN / f"{name}.{fmt}.out"
    if update_golden or not expected.exists():
        expected.write_text(out, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"wrote missing golden file {expected.name}; review and commit it")
    assert out == expected.read_text(encoding="utf-8")
