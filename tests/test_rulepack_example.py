"""The example Python rule pack, installed for real, is found through its entry point.

``pip install`` takes seconds: ``slow``. (tests/test_rulelang.py covers entry
points in process with a fixture on sys.path.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .support import hang_guard

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "examples" / "rulepacks" / "python"

MODEL = """\
sphere Nation : political {
  channel elections strength 0.6
  power tax
  resource staff = 20000 FTE
  responsibility collection requires tax, staff
  sphere Agency : body {
    power tax
    resource staff = 12000 FTE
    responsibility collection requires tax, staff
  }
}
"""


@pytest.mark.slow
def test_installed_rule_pack_runs_and_is_listed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with hang_guard():
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(PACK)],
                       check=True, capture_output=True)
    (tmp_path / "m.sphere").write_text(MODEL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "NO_COLOR": "1"}
    run = [sys.executable, "-m", "spherelang"]
    checked = subprocess.run([*run, "check", "--format", "json", "m.sphere"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    violations = json.loads(checked.stdout)["violations"]
    assert [(v["code"], v["severity"], v["line"], v["sphere"]) for v in violations] == [
        ("PYX001", "warning", 6, "Nation.Agency")]
    assert checked.returncode == 0
    listed = subprocess.run([*run, "rules"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert any(line.startswith("PYX001") for line in listed.stdout.splitlines())
    explained = subprocess.run([*run, "explain", "PYX001"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert explained.returncode == 0 and "## Why it matters" in explained.stdout
