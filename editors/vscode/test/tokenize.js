// Tokenises a file with the TextMate grammar as VS Code does (vscode-textmate with the
// Oniguruma regex engine) and prints one line per token: its text, then its scopes below
// `source.scn`. Run by tests/tests/vscode_grammar.rs, which installs the two packages.
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main() {
  const [grammarPath, inputPath] = process.argv.slice(2);
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.scn"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar("source.scn");
  let stack = vsctm.INITIAL;
  const out = [];
  for (const line of fs.readFileSync(inputPath, "utf8").split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const text = line.substring(t.startIndex, t.endIndex);
      if (text.trim() === "") continue;
      out.push(`${JSON.stringify(text)} ${t.scopes.slice(1).join(" ") || "-"}`);
    }
    stack = r.ruleStack;
  }
  process.stdout.write(out.join("\n") + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
