// Runs tree.squiggle once with @quri/squiggle-lang and prints its summaries as JSON, in the
// shape of `scn eval --format json` (forecast `ev`, metric `aid`), so bench/peers.sh reads
// every contestant the same way.
//
//   node squiggle.mjs N [SEED]
//
// Node resolves the package from a node_modules next to this script, so bench/peers.sh copies
// this script and tree.squiggle into the directory where it installs the package.
import { run } from "@quri/squiggle-lang";
import { readFileSync } from "node:fs";

const samples = Number(process.argv[2]);
const seed = process.argv[3] ?? "1";
if (!Number.isInteger(samples) || samples < 1) {
  console.error("usage: node squiggle.mjs N [SEED]");
  process.exit(2);
}
const code = readFileSync(new URL("./tree.squiggle", import.meta.url), "utf8");

const output = await run(code, {
  environment: { sampleCount: samples, xyPointLength: 1000, seed: String(seed) },
});
const end = output.getEndResult();
if (!end.ok) {
  console.error(end.value.toString());
  process.exit(1);
}

// The model ends in a dict of dicts of numbers.
const plain = (v) =>
  v.tag === "Dict" ? Object.fromEntries(v.value.entries().map(([k, x]) => [k, plain(x)])) : v.value;
const r = plain(end.value);
const column = (s) => ({ n: samples, ...s });
console.log(
  JSON.stringify({
    tool: "squiggle",
    samples,
    seed,
    forecasts: [{ id: "ev", samples: column(r.ev) }],
    metrics: [{ id: "aid", samples: column(r.aid) }],
  })
);
