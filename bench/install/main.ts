/**
 * Install bench: what a user gets from the packed package. Packs this checkout (build it first:
 * `npm run build`), installs the tarball into an empty folder the way a user would (`npm install
 * <tarball>`, dependencies from the registry, node-llama-cpp left out: it is an optional peer), and
 * prints the tarball, the installed size on disk, and how long `rlm --version` takes from there.
 *
 *   node --import tsx bench/install/main.ts [--runs 5]
 */

import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatNumber, renderTable } from "../runner/table.js";

const index = process.argv.indexOf("--runs");
const runs = Math.max(1, Number(index >= 0 ? process.argv[index + 1] : 5));
const root = join(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "rlm-bench-install-"));

/** Bytes on disk under `path` (files and links, not following links). */
function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const packed = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" }),
) as { filename: string; size: number; entryCount: number }[];
const tarball = join(work, packed[0]!.filename);
const app = join(work, "app");
mkdirSync(app);
writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true }\n');
const installStarted = performance.now();
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], {
  cwd: app,
  stdio: "inherit",
});
const installMs = performance.now() - installStarted;
const installed = sizeOf(join(app, "node_modules"));
const rlm = join(app, "node_modules", ".bin", "rlm");
const times: number[] = [];
let version = "";
for (let run = 0; run < runs + 1; run++) {
  const started = performance.now();
  const result = spawnSync(rlm, ["--version"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`rlm --version failed: ${result.stderr}`);
  version = result.stdout.trim();
  // The first run warms the file cache; it is not counted.
  if (run > 0) times.push(performance.now() - started);
}

const MB = 1024 * 1024;
const rows = [
  ["tarball (npm pack)", `${formatNumber(packed[0]!.size / 1024)} KB, ${packed[0]!.entryCount} files`, ""],
  ["installed: node_modules of an empty project", `${formatNumber(installed / MB, 1)} MB`, "< 60 MB"],
  ["npm install of the tarball (registry, cold cache or not)", `${formatNumber(installMs / 1000, 1)} s`, ""],
  [`rlm --version (${version}), median of ${runs}`, `${formatNumber(median(times))} ms`, ""],
];
const title = `Install from the packed tarball, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
console.log(renderTable(title, ["measure", "value", "target"], rows));
