#!/usr/bin/env node
// The npm mirror this project is developed behind serves only the current platform's builds of
// packages such as @rollup/rollup-*, @biomejs/cli-* and @node-llama-cpp/*: `npm install` then
// leaves the other platforms out of package-lock.json, and `npm ci` refuses the lock as "not in
// sync". This adds the missing optional entries with the os/cpu/libc their names state, exactly as
// npm writes them on a machine that can see every platform; npm ci then skips them by platform.
// Run after any `npm install` that changes the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;

const osWords = {
  darwin: "darwin",
  mac: "darwin",
  win32: "win32",
  win: "win32",
  android: "android",
  freebsd: "freebsd",
  openbsd: "openbsd",
  openharmony: "openharmony",
  linux: "linux",
};
const cpuWords = {
  arm64: "arm64",
  x64: "x64",
  arm: "arm",
  ia32: "ia32",
  riscv64: "riscv64",
  ppc64: "ppc64",
  s390x: "s390x",
  loong64: "loong64",
};

function platformOf(name) {
  const words = name.split("/").pop().split("-");
  const os = words.map((word) => osWords[word]).find(Boolean);
  const cpu =
    words.map((word) => cpuWords[word]).find(Boolean) ?? (words.includes("armv7l") ? "arm" : undefined);
  const libc =
    words.includes("musl") || words.includes("musleabihf")
      ? "musl"
      : words.includes("gnu")
        ? "glibc"
        : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === "" ? "node_modules" : `${location}/node_modules`;
    if (packages[`${base}/${name}`] || packages[`node_modules/${name}`]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os || !cpu) continue; // not a platform build: leave it for npm to report
    packages[`node_modules/${name}`] = {
      version,
      ...(cpu && { cpu: [cpu] }),
      ...(entry.dev && { dev: true }),
      ...(libc && { libc: [libc] }),
      license: entry.license,
      optional: true,
      os: [os],
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
