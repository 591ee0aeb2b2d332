/**
 * A controller that aborts when the caller's signal does, and that a stream aborts itself when its
 * consumer stops early (breaking a `for await` loop runs the generator's `finally`).
 */
export function linkedAbortController(parent: AbortSignal | undefined): {
  controller: AbortController;
  release(): void;
} {
  const controller = new AbortController();
  if (parent === undefined) return { controller, release: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => undefined };
  }
  const forward = (): void => controller.abort(parent.reason);
  parent.addEventListener("abort", forward, { once: true });
  return { controller, release: () => parent.removeEventListener("abort", forward) };
}
