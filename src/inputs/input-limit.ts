/**
 * The one place the input limit is defined. Reading stops at it (a stream) or refuses before
 * reading (a file whose size is already over), so an endless or huge input fails with a clear
 * error instead of filling memory. 1 GiB is about what the Python sandbox holds comfortably
 * (README.md "Limits": about 1 GB of context in the `pyodide` sandbox); `RLM_MAX_INPUT_BYTES` changes
 * it for the CLI.
 */

export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/** The environment variable the CLI reads the limit from (parsed in src/config). */
export const MAX_INPUT_BYTES_VARIABLE = "RLM_MAX_INPUT_BYTES";

/**
 * Files above this size together are not read into memory but opened as a lazy context (Python
 * reads them from disk as it goes): the input limit above then does not apply, only the disk bounds
 * them. Below it, reading whole is faster for every later operation.
 */
export const DEFAULT_LAZY_ABOVE_BYTES = 256 * 1024 * 1024;

/** The environment variable the CLI reads the lazy threshold from (parsed in src/config). */
export const LAZY_CONTEXT_BYTES_VARIABLE = "RLM_LAZY_CONTEXT_BYTES";

const UNITS: [number, string][] = [
  [1024 * 1024 * 1024, "GB"],
  [1024 * 1024, "MB"],
  [1024, "KB"],
];

/** A size for people: `1.5 GB`, `640 KB`, `12 bytes` (binary units, as the limit is). */
export function formatBytes(bytes: number): string {
  for (const [unit, name] of UNITS) {
    if (bytes >= unit) {
      const value = bytes / unit;
      const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
      return `${shown} ${name}`;
    }
  }
  return `${bytes} byte${bytes === 1 ? "" : "s"}`;
}
