import { isRlmError } from "../src/errors/index.js";

/** `"code: message"` of the RlmError `promise` rejects with; anything else (or no failure) fails the test. */
export async function rlmFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isRlmError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error("expected a failure");
}
