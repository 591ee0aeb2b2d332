import { RlmError } from "../errors/index.js";

/**
 * PDF text through `unpdf` (a bundled, dependency-free build of Mozilla's pdf.js), loaded only when
 * a PDF actually shows up, so plain-text runs never pay for it. Pages are separated by form feeds,
 * the character `pdftotext` uses, so code in the REPL can split pages with `context.split("\f")`.
 */

export const PAGE_SEPARATOR = "\f";

export function isPdf(path: string, bytes: Uint8Array): boolean {
  if (path.toLowerCase().endsWith(".pdf")) return true;
  return bytes.length >= 5 && new TextDecoder("latin1").decode(bytes.subarray(0, 5)) === "%PDF-";
}

export async function readPdfText(path: string, bytes: Uint8Array): Promise<string> {
  try {
    const { extractText, getDocumentProxy } = await import("unpdf");
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    const document = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(document, { mergePages: false });
    return text.join(PAGE_SEPARATOR);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new RlmError("input-unreadable", `Cannot read the text of the PDF ${path}: ${detail}`, {
      hint: "The PDF may be damaged, encrypted, or scanned images without text; convert it with a tool that does OCR.",
      cause: error,
    });
  }
}
