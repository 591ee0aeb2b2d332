import { EMBEDDED_MODEL } from "../../config/index.js";

/** Options of every backend check. */
export interface CheckModelOptions {
  environment: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Added to "not reachable" fixes: the way out when no model server runs at all. */
export const EMBEDDED_OFFER = `no server at all? use the embedded engine: --model ${EMBEDDED_MODEL}`;
