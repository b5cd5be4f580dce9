"""The parse cache: used when safe, ignored when corrupt, foreign or shared."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from spherelang.loading import load_model
from spherelang.loading.cache import DIRNAME, ParseCache

# A separator after a rule block's closing brace sends the whole file through
# the LALR parser, which is what gets cached (the fast path reads every other
# layout itself, one line or one block at a time).
MODEL = """\
rule ORG001 "bodies are few" { for s in spheres
  require true };
sphere Nation : political { channel elections strength 0.6
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "m.sphere").write_text(MODEL)
    return tmp_path


def entries(project: Path) -> list[Path]:
    """The parse cache's entries (the result cache's are named i-* and r-*)."""
    return [p for p in (project / DIRNAME / "v1").glob("*") if not p.name.startswith((".", "i-", "r-"))]


def test_second_load_hits_and_gives_the_same_files(project: Path) -> None:
    first = load_model(str(project / "m.sphere"), cache=True)
    assert len(entries(project)) == 1
    assert (project / DIRNAME / ".gitignore").read_text().strip().endswith("*")
    cache = ParseCache(str(project))
    key = cache.key((project / "m.sphere").read_bytes(), str(project / "m.sphere"))
    assert cache.get(key) == first.files[0] and cache.hits == 1
    assert load_model(str(project / "m.sphere"), cache=True).files == first.files


def test_a_changed_file_is_a_miss(project: Path) -> None:
    load_model(str(project / "m.sphere"), cache=True)
    (project / "m.sphere").write_text(MODEL.replace("100 USD", "200 USD"))
    loaded = load_model(str(project / "m.sphere"), cache=True)
    assert loaded.files[0].spheres[0].members[2].amount.value == 200
    assert len(entries(project)) == 2


@pytest.mark.parametrize("content", [b"garbage", b"spherelang-parse-cache\n" + b"\x80\x04truncated",
                                     b"spherelang-parse-cache\n" + pickle.dumps(["not", "a", "file"])])
def test_corrupt_or_foreign_entries_are_ignored_and_rebuilt(project: Path, content: bytes) -> None:
    load_model(str(project / "m.sphere"), cache=True)
    (entry,) = entries(project)
    entry.write_bytes(content)
    loaded = load_model(str(project / "m.sphere"), cache=True)
    assert loaded.findings == () and loaded.files[0].rules[0].code.text == "ORG001"


def test_a_world_writable_cache_is_never_read(project: Path) -> None:
    load_model(str(project / "m.sphere"), cache=True)
    (entry,) = entries(project)
    entry.write_bytes(b"spherelang-parse-cache\n" + pickle.dumps("planted"))
    os.chmod(project / DIRNAME / "v1", 0o777)
    cache = ParseCache(str(project))
    assert cache.get(entry.name) is None
    os.chmod(project / DIRNAME / "v1", 0o700)
    os.chmod(entry, 0o666)
    assert cache.get(entry.name) is None


def test_a_read_only_project_runs_without_a_cache(project: Path) -> None:
    os.chmod(project, 0o555)
    try:
        loaded = load_model(str(project / "m.sphere"), cache=True)
        assert loaded.findings == ()
    finally:
        os.chmod(project, 0o755)


def test_no_cache_flag(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spherelang.cli import main

    monkeypatch.chdir(project)
    with pytest.raises(SystemExit):
        main(["check", "--no-cache", "m.sphere"])
    assert not (project / DIRNAME).exists()
    with pytest.raises(SystemExit):
        main(["check", "m.sphere"])
    assert len(entries(project)) == 1
    assert len(list((project / DIRNAME / "v1").glob("r-*"))) == 1
