/**
 * The environment a sandboxed Python starts with: built from nothing, never copied from the host's.
 * The host's environment holds API keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, RLM_SERVER_API_KEY...)
 * that model-written code must not read from `os.environ`, `/proc/self/environ` or, under bwrap,
 * `/proc/1/environ` (bwrap itself, which keeps the environment it was started with). Only names that
 * locate programs and packages or pick a locale are passed on; HOME is the sandbox's own folder.
 */

import { homedir } from "node:os";

/** Host variables passed on unchanged: where programs and packages are, and the locale. */
const PASSED_ON = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"];

/**
 * What every child gets whatever the host has (inside bwrap too). A fixed hash seed makes the
 * order of a `set` of strings the same in every run, as it is in Pyodide: a replayed or resumed
 * run's code then prints what it printed (hash flooding is no concern for code that may already
 * spend the whole CPU budget).
 */
export const FIXED_ENVIRONMENT = { LANG: "C.UTF-8", PYTHONUTF8: "1", PYTHONHASHSEED: "0" } as const;

export function childEnvironment(home: string): Record<string, string> {
  const environment: Record<string, string> = { ...FIXED_ENVIRONMENT };
  for (const name of PASSED_ON) {
    const value = process.env[name];
    if (value !== undefined && value !== "") environment[name] = value;
  }
  environment.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  // HOME moves to the sandbox's folder; packages installed with `pip install --user` stay importable.
  environment.PYTHONUSERBASE = process.env.PYTHONUSERBASE ?? `${homedir()}/.local`;
  environment.HOME = home;
  return environment;
}
