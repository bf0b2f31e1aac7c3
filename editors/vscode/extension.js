// The VS Code side of scn: starts `scn lsp` and hands it the .scn files. Highlighting comes
// from syntaxes/scn.tmLanguage.json until the server's semantic tokens arrive.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("scn");
  const command = config.get("path") || "scn";
  const args = [...(config.get("extraArgs") || []), "lsp"];
  return { run: { command, args }, debug: { command, args } };
}

async function start() {
  client = new LanguageClient("scn", "scn", serverOptions(), {
    documentSelector: [
      { scheme: "file", language: "scn" },
      { scheme: "untitled", language: "scn" },
    ],
    synchronize: {
      // Imports and the library's scn.toml change what a file means.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.scn,scn.toml}"),
    },
  });
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `scn: cannot start \`${serverOptions().run.command} lsp\` (${e.message}). ` +
        "Install scn (cargo install --path crates/scn-cli) or set scn.path.",
    );
  }
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("scn.path") || e.affectsConfiguration("scn.extraArgs")) {
        if (client) {
          await client.stop();
        }
        await start();
      }
    }),
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
