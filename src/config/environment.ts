import { LAZY_CONTEXT_BYTES_VARIABLE, MAX_INPUT_BYTES_VARIABLE } from "../inputs/input-limit.js";
import type { EnvironmentVariable } from "../models/backend.js";
import { BACKEND_ENVIRONMENT } from "../models/backends.js";
import { LLAMACPP_SETTINGS } from "./llamacpp-settings.js";

/**
 * Every environment variable rlm reads, in one list: the README's table is checked against it
 * (`environment.test.ts`), as is the code (a variable read but not listed fails the test). The
 * backends' own come from their descriptors (`src/models/backends.ts`).
 */

const CONFIGURATION: readonly EnvironmentVariable[] = [
  { name: "RLM_MODEL", meaning: "root model spec" },
  { name: "RLM_SUB_MODEL", meaning: "sub-model spec" },
  {
    name: "RLM_CONFIG",
    meaning: "config file path (default `~/.config/rlm/config.json`, or `$XDG_CONFIG_HOME/rlm/config.json`)",
  },
  { name: "RLM_SERVER_API_KEY", meaning: "bearer key `rlm serve` requires" },
];

/** Read by the sandbox (`src/sandbox/pyodide`). */
const SANDBOX: readonly EnvironmentVariable[] = [
  {
    name: "RLM_CACHE_DIR",
    meaning: "where the sandbox's start-up snapshot is cached (default `~/.cache/rlm`)",
  },
  {
    name: "RLM_SPARE_WORKER",
    meaning:
      "`off`: keep no Pyodide worker booted ahead. By default, when a sandbox closes one boots in the background (~150 MB while idle) so the next completion, child RLM or server request starts in a few ms",
  },
  { name: "RLM_SNAPSHOT", meaning: "`off`: boot Pyodide without the cached start-up snapshot" },
  {
    name: "RLM_PYODIDE_BWRAP",
    meaning:
      '`off`: run the pyodide sandbox\'s host process without bubblewrap even where it works (the permission model still applies; see "The sandbox")',
  },
];

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = [
  ...CONFIGURATION,
  ...BACKEND_ENVIRONMENT,
  // The embedded engine's settings (each also a flag and a config-file key: llamacpp-settings.ts).
  ...LLAMACPP_SETTINGS.map(({ variable, meaning }) => ({ name: variable, meaning })),
  ...SANDBOX,
  {
    name: MAX_INPUT_BYTES_VARIABLE,
    meaning:
      "the limit on `rlm ask`'s input read into memory (stdin, or files under the lazy threshold): bytes, or `64M`, `2G` (default 1 GB)",
  },
  {
    name: LAZY_CONTEXT_BYTES_VARIABLE,
    meaning:
      "files above this size together are read from disk as Python goes (a lazy context), with no limit but the disk: bytes, or `64M`, `2G` (default 256 MB)",
  },
];

/** The variables the config file's `backends` section stands in for, by its key. */
export const CONFIG_FILE_VARIABLES = ENVIRONMENT_VARIABLES.flatMap((variable) =>
  variable.configFile === undefined ? [] : [{ ...variable.configFile, variable: variable.name }],
);
