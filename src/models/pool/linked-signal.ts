/**
 * Per-call signals that abort when any of their parents does, without one listener per call on a
 * parent. Node's EventTarget walks its whole listener list on every add and remove, so a pool
 * signal (or an exec's signal) shared by 1,000 queued sub-calls made each call O(n): here a
 * parent gets one listener, and its children sit in a Set (O(1) to join and leave).
 */

const childrenOf = new WeakMap<AbortSignal, Set<AbortController>>();

function children(parent: AbortSignal): Set<AbortController> {
  let set = childrenOf.get(parent);
  if (set === undefined) {
    const created = new Set<AbortController>();
    set = created;
    childrenOf.set(parent, created);
    parent.addEventListener(
      "abort",
      () => {
        childrenOf.delete(parent);
        for (const child of created) child.abort(parent.reason);
        created.clear();
      },
      { once: true },
    );
  }
  return set;
}

/** A controller aborted with the first parent's reason; `release` detaches it (call it when the call ends). */
export function linkedController(parents: readonly AbortSignal[]): {
  controller: AbortController;
  release(): void;
} {
  const controller = new AbortController();
  const aborted = parents.find((parent) => parent.aborted);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
    return { controller, release: () => undefined };
  }
  const sets = parents.map(children);
  for (const set of sets) set.add(controller);
  return {
    controller,
    release: () => {
      for (const set of sets) set.delete(controller);
    },
  };
}
