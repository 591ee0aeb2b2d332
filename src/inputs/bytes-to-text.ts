import { decodeText, isBinary } from "./detect-binary.js";
import { binaryInputError } from "./input-errors.js";
import { isPdf, readPdfText } from "./read-pdf.js";

/**
 * Bytes of a named document (a file on disk, a file attached to a chat request) to its text: PDFs
 * through pdf.js, text in any of UTF-8/UTF-16 as written, anything else refused as binary.
 */
export async function bytesToText(
  name: string,
  bytes: Uint8Array,
): Promise<{ text: string; kind: "text" | "pdf" }> {
  if (isPdf(name, bytes)) return { text: await readPdfText(name, bytes), kind: "pdf" };
  if (isBinary(bytes)) throw binaryInputError(name);
  return { text: decodeText(bytes).text, kind: "text" };
}
