"""The VS Code extension folder (editors/vscode): a manifest whose files exist
and agree with each other, a language configuration, and a client that starts
`sphere server` with the configured executable (run under Node with stand-ins
for the `vscode` and `vscode-languageclient` modules, when Node is there)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "editors" / "vscode"


def manifest() -> dict:
    return json.loads((FOLDER / "package.json").read_text(encoding="utf-8"))


def test_the_manifest_contributes_the_language_and_its_grammar() -> None:
    pkg = manifest()
    [language] = pkg["contributes"]["languages"]
    assert language["id"] == "sphere" and language["extensions"] == [".sphere"]
    [grammar] = pkg["contributes"]["grammars"]
    assert grammar["language"] == "sphere"
    grammar_file = json.loads((FOLDER / grammar["path"]).read_text(encoding="utf-8"))
    assert grammar["scopeName"] == grammar_file["scopeName"] == "source.sphere"
    assert (FOLDER / language["configuration"]).is_file()
    assert (FOLDER / pkg["main"]).is_file()
    assert "onLanguage:sphere" in pkg["activationEvents"]


def test_every_file_the_manifest_names_exists_and_ships() -> None:
    pkg = manifest()
    contributes = pkg["contributes"]
    named = [pkg["main"], *(g["path"] for g in contributes["grammars"]),
             *(lang["configuration"] for lang in contributes["languages"])]
    for name in named:
        assert (FOLDER / name).is_file(), name
    ignored = (FOLDER / ".vscodeignore").read_text(encoding="utf-8")
    for name in named:
        assert Path(name).name not in ignored, f"{name} would be left out of the .vsix"
    assert (FOLDER / "README.md").is_file()


def test_the_settings_and_the_client_library() -> None:
    pkg = manifest()
    properties = pkg["contributes"]["configuration"]["properties"]
    assert properties["sphere.path"]["default"] == "sphere"
    assert properties["sphere.path"]["type"] == "string"
    assert "sphere.path" in pkg["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    assert "vscode-languageclient" in pkg["dependencies"]
    lock = json.loads((FOLDER / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == pkg["dependencies"]
    commands = {c["command"] for c in pkg["contributes"]["commands"]}
    script = (FOLDER / "extension.js").read_text(encoding="utf-8")
    assert commands == set(re.findall(r"registerCommand\('([^']+)'", script))


def test_the_language_configuration() -> None:
    config = json.loads((FOLDER / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "//"}
    assert ["{", "}"] in config["brackets"]
    assert {"open": "\"", "close": "\"", "notIn": ["string", "comment"]} in config["autoClosingPairs"]
    # the word pattern is a JavaScript regex without flags; this one reads the same in Python
    word = re.compile(config["wordPattern"])
    assert word.fullmatch("Nation.Government.Finance")
    assert word.fullmatch("Минфин_1")
    assert word.findall("from Nation.tax, budget 5e9 KZT") == ["from", "Nation.tax", "budget", "5e9", "KZT"]
    assert word.findall("a±b {c}") == ["a", "b", "c"]
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    assert increase.match('sphere A : body "t" {  // x') and not increase.match("power p")
    assert re.match(config["indentationRules"]["decreaseIndentPattern"], "  }")


# ---------------------------------------------------------------- the client, under Node

_VSCODE_STUB = """
const log = global.log;
module.exports = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => global.settings[section + '.' + key] }),
    onDidChangeConfiguration: (listener) => { global.configListener = listener; return { dispose() {} }; },
  },
  window: {
    showErrorMessage: async (message, ...actions) => { log.push(['error', message, actions]); return undefined; },
  },
  commands: {
    registerCommand: (name, fn) => { global.commands[name] = fn; return { dispose() {} }; },
    executeCommand: async (...args) => { log.push(['command', ...args]); },
  },
};
"""

_CLIENT_STUB = """
const log = global.log;
class LanguageClient {
  constructor(id, name, server, client) {
    log.push(['new', id, server.command, server.args, Object.keys(server), client.documentSelector]);
  }
  async start() {
    if (global.failStart) { throw new Error('spawn nowhere ENOENT'); }
    log.push(['start']);
  }
  async stop() { log.push(['stop']); }
}
module.exports = { LanguageClient };
"""

_DRIVER = """
global.log = [];
global.commands = {};
global.settings = { 'sphere.path': '/opt/venv/bin/sphere' };
const ext = require('./extension.js');
(async () => {
  const context = { subscriptions: [] };
  await ext.activate(context);
  log.push(['subscriptions', context.subscriptions.length]);
  await global.configListener({ affectsConfiguration: (key) => key === 'editor.fontSize' });
  global.settings['sphere.path'] = 'sphere-dev';
  await global.configListener({ affectsConfiguration: (key) => key === 'sphere.path' });
  await global.commands['sphere.restartServer']();
  global.failStart = true;
  await global.commands['sphere.restartServer']();
  await ext.deactivate();
  process.stdout.write(JSON.stringify(log));
})().catch((err) => { console.error(err); process.exit(1); });
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_client_starts_sphere_server_with_the_configured_executable(tmp_path: Path) -> None:
    shutil.copy(FOLDER / "extension.js", tmp_path / "extension.js")
    (tmp_path / "node_modules" / "vscode").mkdir(parents=True)
    (tmp_path / "node_modules" / "vscode" / "index.js").write_text(_VSCODE_STUB)
    (tmp_path / "node_modules" / "vscode-languageclient").mkdir()
    (tmp_path / "node_modules" / "vscode-languageclient" / "node.js").write_text(_CLIENT_STUB)
    (tmp_path / "driver.js").write_text(_DRIVER)
    done = subprocess.run(["node", "driver.js"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    selector = [{"scheme": "file", "language": "sphere"}]
    keys = ["command", "args"]  # no transport: vscode-languageclient would add --stdio to the arguments
    assert json.loads(done.stdout) == [
        ["new", "sphere", "/opt/venv/bin/sphere", ["server"], keys, selector], ["start"],
        ["subscriptions", 2],
        # another setting changes nothing; sphere.path restarts the server with the new executable
        ["stop"], ["new", "sphere", "sphere-dev", ["server"], keys, selector], ["start"],
        # the restart command
        ["stop"], ["new", "sphere", "sphere-dev", ["server"], keys, selector], ["start"],
        # a server that cannot start is reported, with the way to the setting
        ["stop"], ["new", "sphere", "sphere-dev", ["server"], keys, selector],
        ["error", "Sphere: could not start 'sphere-dev server' (spawn nowhere ENOENT). "
                  "Install spherelang, or set 'sphere.path' to its sphere executable.", ["Open Settings"]],
        # nothing left running to stop
    ]
