/**
 * Tells text from binary without trusting file extensions: a NUL byte in the first 8 KiB, or too
 * many bytes that are not valid UTF-8, means binary. UTF-16 text (which is full of NULs) is
 * recognised by its byte-order mark and decoded instead of rejected.
 */

/** Bytes looked at: enough to catch binaries (headers come first), cheap on huge files. */
export const SAMPLE_BYTES = 64 * 1024;
const NUL_WINDOW = 8 * 1024;
/** Share of replacement characters above which a file is not text (Latin-1 prose stays well below). */
const INVALID_RATIO = 0.1;

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

export interface Decoded {
  text: string;
  encoding: TextEncoding;
  /** Bytes that were not valid in the encoding and became U+FFFD. */
  replacedCharacters: number;
}

function byteOrderMark(bytes: Uint8Array): { encoding: TextEncoding; skip: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", skip: 2 };
  return { encoding: "utf-8", skip: 0 };
}

function countReplacements(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\uFFFD"); index >= 0; index = text.indexOf("\uFFFD", index + 1)) count++;
  return count;
}

/** True when the bytes look like a binary file rather than text. */
export function isBinary(bytes: Uint8Array): boolean {
  const { encoding, skip } = byteOrderMark(bytes);
  if (encoding !== "utf-8") return false;
  const sample = bytes.subarray(skip, skip + SAMPLE_BYTES);
  if (sample.subarray(0, NUL_WINDOW).includes(0)) return true;
  if (sample.length === 0) return false;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(sample);
  // A multi-byte character cut at the sample's end adds one replacement: ignore it.
  const replacements = Math.max(0, countReplacements(text) - (sample.length === SAMPLE_BYTES ? 1 : 0));
  return replacements / Math.max(1, text.length) > INVALID_RATIO;
}

/** Decodes text bytes (after `isBinary` said no), honouring and removing a byte-order mark. */
export function decodeText(bytes: Uint8Array): Decoded {
  const { encoding, skip } = byteOrderMark(bytes);
  const text = new TextDecoder(encoding, { fatal: false }).decode(bytes.subarray(skip));
  return { text, encoding, replacedCharacters: countReplacements(text) };
}
