// The Sphere extension's client: starts `sphere server` (the language server of
// spherelang) over stdio for .sphere files. Plain JavaScript, so the folder
// runs as it is, with no build step.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

/**
 * The command that starts the server: the `sphere.path` setting, then `server`.
 * No `transport`: the client would add `--stdio` to the arguments, and stdio is
 * what it uses without one. A relative path is taken from the first workspace
 * folder, which the client makes the server's working directory.
 */
function serverOptions() {
  const command = vscode.workspace.getConfiguration('sphere').get('path') || 'sphere';
  return { command, args: ['server'] };
}

async function start() {
  const server = serverOptions();
  client = new LanguageClient('sphere', 'Sphere', server, {
    documentSelector: [{ scheme: 'file', language: 'sphere' }],
  });
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const action = await vscode.window.showErrorMessage(
      `Sphere: could not start '${server.command} server' (${err.message}). ` +
        "Install spherelang, or set 'sphere.path' to its sphere executable.",
      'Open Settings',
    );
    if (action === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'sphere.path');
    }
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('sphere.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('sphere.path')) {
        return restart();
      }
      return undefined;
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
