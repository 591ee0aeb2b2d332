/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Building the page from trajectory text, which is untrusted (model output, code output, file
 * contents): every string becomes a text node, never markup, so nothing in a trajectory can run.
 * This file holds the only DOM helpers the renderers use.
 */

export type Child = Node | string | number | false | null | undefined;

/** An element with a class and children; strings become text nodes. */
export function element<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  className?: string,
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/**
 * A collapsible section. Closed sections build their body on first open, so a trajectory with
 * thousands of sub-call prompts stays quick to show.
 */
export function section(
  className: string,
  summary: Child[],
  body: () => Child[],
  open: boolean,
): HTMLDetailsElement {
  const details = element("details", className, element("summary", undefined, ...summary));
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    append(details, body());
  };
  if (open) {
    details.open = true;
    build();
  } else {
    builders.set(details, build);
    details.addEventListener("toggle", () => {
      if (details.open) build();
    });
  }
  return details;
}

const builders = new WeakMap<HTMLDetailsElement, () => void>();

/** Opens every section under `root`, building bodies at once (the `toggle` event comes later). */
export function openAll(root: ParentNode): void {
  for (let closed = closedSections(root); closed.length > 0; closed = closedSections(root)) {
    for (const details of closed) {
      builders.get(details)?.();
      details.open = true;
    }
  }
}

/** Opens one section, building its body at once. */
export function openSection(details: HTMLDetailsElement): void {
  builders.get(details)?.();
  details.open = true;
}

export function closeAll(root: ParentNode): void {
  for (const details of root.querySelectorAll("details")) details.open = false;
}

function closedSections(root: ParentNode): HTMLDetailsElement[] {
  return [...root.querySelectorAll("details")].filter((details) => !details.open);
}

/** Characters of a text shown before a "show all" button: laying out megabytes of prompts is slow. */
const SHOWN_CHARS = 5000;

/**
 * A labelled block of preformatted text (code, stdout, prompts); long text shows its start first,
 * its full length in the label and on the button. `render` turns text into nodes (highlighting).
 */
export function textBlock(
  label: string,
  text: string,
  className = "",
  render: (text: string) => Child[] = (shown) => [shown],
): HTMLElement {
  const long = text.length > SHOWN_CHARS;
  const pre = element("pre");
  if (text === "") pre.appendChild(element("span", "empty", "(empty)"));
  else append(pre, render(long ? text.slice(0, SHOWN_CHARS) : text));
  const length = `${text.length.toLocaleString("en-US")} characters`;
  const block = element(
    "div",
    `text-block ${className}`.trim(),
    element(
      "div",
      "label",
      label,
      long &&
        element("span", "folded", ` · ${length}, the first ${SHOWN_CHARS.toLocaleString("en-US")} shown`),
    ),
    pre,
  );
  if (long) {
    const more = element("button", "show-all", `Show all ${length}`);
    more.type = "button";
    more.addEventListener("click", () => {
      pre.replaceChildren();
      append(pre, render(text));
      more.remove();
    });
    block.appendChild(more);
  }
  return block;
}

/** A two-column table of label and value. */
export function facts(rows: [string, Child][]): HTMLTableElement {
  const body = element("tbody");
  for (const [label, value] of rows) {
    body.appendChild(
      element("tr", undefined, element("th", undefined, label), element("td", undefined, value)),
    );
  }
  return element("table", "facts", body);
}

/** A small label next to a title (stop reason, error, depth). */
export function badge(text: string, kind = ""): HTMLElement {
  return element("span", `badge ${kind}`.trim(), text);
}
