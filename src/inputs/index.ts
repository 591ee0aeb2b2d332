/**
 * Inputs: turns what a user points at (files, directories, quoted globs, `-` for stdin) into the
 * `ContextInput` an RLM loads. One file or stdin becomes a `str`; several files or a directory
 * become a `dict` path -> content. Directories honour `.gitignore`; binaries are skipped inside
 * directories and refused when named directly; PDFs are read as text (pages split by form feeds).
 * `chatContext` splits chat messages into a context, a query and instructions (the server's and the
 * AI SDK model's one rule). Nothing here knows about models: the CLI and the server both use it.
 */
export { type BoundedBytes, readStreamBounded } from "./bounded-read.js";
export { bytesToText } from "./bytes-to-text.js";
export {
  type ChatContext,
  ChatContextError,
  type ChatContextLocation,
  type ChatContextMessage,
  type ChatContextOptions,
  type ChatContextPart,
  chatContext,
} from "./chat-context.js";
export { decodeText, isBinary } from "./detect-binary.js";
export { globBase, globToRegExp, isGlob } from "./glob.js";
export {
  DEFAULT_LAZY_ABOVE_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  formatBytes,
  LAZY_CONTEXT_BYTES_VARIABLE,
  MAX_INPUT_BYTES_VARIABLE,
} from "./input-limit.js";
export {
  type InputFile,
  type InputResult,
  type ReadInputsOptions,
  readInputs,
  STDIN_NAME,
} from "./read-inputs.js";
export { PAGE_SEPARATOR } from "./read-pdf.js";
export { walkDirectory } from "./walk-directory.js";
