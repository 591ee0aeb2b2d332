/**
 * Finds, from Pyodide's own source, which of the WebAssembly module's imports can reach the host.
 *
 * `pyodide.asm.mjs` is one Emscripten module function: its top-level bindings (functions, arrow
 * functions, objects such as `FS` or `SOCKFS` and their methods) call one another by name, and the
 * `wasmImports` object lists the JS functions the interpreter can call. A binding reaches the host
 * when it names one of the host powers (the module-scoped `require`, the `fs` it loaded, the file
 * readers built on it, `eval`, `fetch`, `XMLHttpRequest`, `importScripts`, `WebSocket`...) or calls a
 * binding that does: a fixed point over the call graph. `FS.x` resolves to the method `x` of `FS`
 * when `FS` is an object literal of the module, so one risky method does not taint every file call.
 *
 * The result is the list the sandbox must deny or guard (host-imports.ts); the audit test fails
 * when a Pyodide upgrade adds an import the list does not cover.
 */
import { readFileSync } from "node:fs";
import { type Node, parse } from "acorn";
import { simple } from "acorn-walk";

/** Names in Pyodide's module that are, or directly hold, a host power. */
export const HOST_POWERS = [
  "require",
  "fs",
  "readAsync",
  "readBinary",
  "asyncLoad",
  "eval",
  "Function",
  "fetch",
  "XMLHttpRequest",
  "importScripts",
  "WebSocket",
  "WebSocketConstructor",
  "process",
  "import()",
] as const;

interface Binding {
  name: string;
  /** Names of other bindings (or host powers) this one's code mentions. */
  mentions: Set<string>;
}

type AnyNode = Node & Record<string, unknown>;

/** The module function's body (`async function _createPyodideModule(...) {...}`). */
function moduleBody(program: AnyNode): AnyNode[] {
  for (const statement of program.body as AnyNode[]) {
    if (statement.type === "FunctionDeclaration") return (statement.body as AnyNode).body as AnyNode[];
  }
  throw new Error("pyodide.asm.mjs has no module function: the audit needs updating");
}

function collectBindings(body: AnyNode[]): Map<string, AnyNode> {
  const bindings = new Map<string, AnyNode>();
  const addObject = (owner: string, object: AnyNode) => {
    for (const property of object.properties as AnyNode[]) {
      const key = property.key as AnyNode | undefined;
      const name = key?.type === "Identifier" ? (key.name as string) : (key?.value as string | undefined);
      if (name !== undefined && property.value) bindings.set(`${owner}.${name}`, property.value as AnyNode);
    }
  };
  for (const statement of body) {
    if (statement.type === "FunctionDeclaration") {
      bindings.set((statement.id as AnyNode).name as string, statement);
    } else if (statement.type === "VariableDeclaration") {
      for (const declarator of statement.declarations as AnyNode[]) {
        const id = declarator.id as AnyNode;
        const init = declarator.init as AnyNode | null;
        if (id.type !== "Identifier" || init === null) continue;
        bindings.set(id.name as string, init);
        if (init.type === "ObjectExpression") addObject(id.name as string, init);
      }
    } else if (statement.type === "ExpressionStatement") {
      // `Module["x"]=...` and `FS.x=...` assignments at the top level
      const expression = statement.expression as AnyNode;
      if (
        expression.type === "AssignmentExpression" &&
        (expression.left as AnyNode).type === "MemberExpression"
      ) {
        const name = memberName(expression.left as AnyNode);
        if (name !== undefined) bindings.set(name, expression.right as AnyNode);
      }
    }
  }
  return bindings;
}

function memberName(member: AnyNode): string | undefined {
  const object = member.object as AnyNode;
  const property = member.property as AnyNode;
  if (object.type !== "Identifier") return undefined;
  const key = member.computed ? (property.value as unknown) : property.name;
  return typeof key === "string" ? `${object.name as string}.${key}` : undefined;
}

function mentionsOf(node: AnyNode, known: Map<string, AnyNode>): Set<string> {
  const identifiers: AnyNode[] = [];
  // `FS.x` names the method, not all of `FS`: its object identifier is not a mention of its own.
  const resolvedObjects = new Set<AnyNode>();
  const mentions = new Set<string>();
  simple(node, {
    Identifier(identifier) {
      identifiers.push(identifier as unknown as AnyNode);
    },
    ImportExpression() {
      mentions.add("import()");
    },
    MemberExpression(member) {
      const name = memberName(member as unknown as AnyNode);
      if (name === undefined || !known.has(name)) return;
      mentions.add(name);
      resolvedObjects.add((member as unknown as AnyNode).object as AnyNode);
    },
  });
  for (const identifier of identifiers) {
    if (!resolvedObjects.has(identifier)) mentions.add(identifier.name as string);
  }
  return mentions;
}

/** The `wasmImports` object: import name -> the binding name it refers to. */
function wasmImportsOf(body: AnyNode[]): Map<string, string> {
  const imports = new Map<string, string>();
  for (const statement of body) {
    if (statement.type !== "VariableDeclaration") continue;
    for (const declarator of statement.declarations as AnyNode[]) {
      if ((declarator.id as AnyNode).name !== "wasmImports") continue;
      for (const property of (declarator.init as AnyNode).properties as AnyNode[]) {
        const key = property.key as AnyNode;
        const value = property.value as AnyNode;
        const name = (key.name as string | undefined) ?? (key.value as string);
        imports.set(name, value.type === "Identifier" ? (value.name as string) : name);
      }
    }
  }
  return imports;
}

export interface HostReach {
  /** Every import of the WebAssembly module, by name. */
  imports: string[];
  /** The imports whose code reaches a host power, each with one path to it. */
  reaching: Map<string, string[]>;
}

/** Reads `pyodide.asm.mjs` and answers which imports can reach the host. */
export function auditPyodideImports(asmPath: string): HostReach {
  const source = readFileSync(asmPath, "utf8");
  const program = parse(source, { ecmaVersion: "latest", sourceType: "module" }) as unknown as AnyNode;
  const body = moduleBody(program);
  const nodes = collectBindings(body);
  const bindings = new Map<string, Binding>();
  for (const [name, node] of nodes) bindings.set(name, { name, mentions: mentionsOf(node, nodes) });
  const powers = new Set<string>(HOST_POWERS);
  // path[name] = the chain from `name` to a host power, once known
  const path = new Map<string, string[]>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const binding of bindings.values()) {
      if (path.has(binding.name)) continue;
      for (const mention of binding.mentions) {
        const via = powers.has(mention) && !bindings.has(mention) ? [mention] : path.get(mention);
        if (mention === binding.name || via === undefined) continue;
        path.set(binding.name, [mention, ...(via[0] === mention ? via.slice(1) : via)]);
        changed = true;
        break;
      }
    }
  }
  const imports = wasmImportsOf(body);
  const reaching = new Map<string, string[]>();
  for (const [name, target] of imports) {
    const chain = path.get(target);
    if (chain !== undefined) reaching.set(name, chain);
  }
  return { imports: [...imports.keys()], reaching };
}
