/**
 * A fake Python for the `memory` runtime: it speaks the driver's protocol (`_rlm_exec`,
 * `_rlm_get_var`, `_rlm_set_tools`, loads, `_rlm_host_call`) in JavaScript, so the engine's tests
 * that are not about Python run without booting one. It runs a small line-based subset: assignments
 * (`x = ...`, `answer["ready"] = True`), expressions of string, number, list, `True`/`False`/`None`
 * literals, names, `+`, subscripts and calls of `print`, `len`, `str`, `repr`, the REPL's functions
 * (REPL_NAMES) and the host's tools; `raise Name("...")`; the last bare expression is echoed. Anything
 * else is a SyntaxError saying so. It has no real Python semantics: use pyodide or process for those.
 */

import type { PlannedLoad } from "../context-encoding.js";
import type { HostCallAnswer, TransportReply } from "../core/transport.js";
import type { DriverExec } from "../driver-result.js";
import { REPL_NAMES, type ReplName } from "../repl-names.js";
import { truncateHeadTail } from "../truncate.js";
import type { QuerySlot } from "../types.js";

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A Python exception, raised in the fake's code. */
class PyError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const RESERVED = new Set<string>(REPL_NAMES);

/** The Python builtins the fake can call, besides the REPL's names. */
const BUILTINS = ["print", "len", "str", "repr"] as const;
type Builtin = (typeof BUILTINS)[number];
const CALLABLE = new Set<string>([...REPL_NAMES, ...BUILTINS]);

function isBuiltinOrReplName(name: string): name is Builtin | ReplName {
  return CALLABLE.has(name);
}

/** Compiles only when every case is handled: a REPL name without a case in `invoke` is an error. */
function unhandled(name: never): never {
  throw new Error(`the in-memory sandbox has no case for ${String(name)}`);
}

export class FakePython {
  private readonly namespace = new Map<string, Value>();
  private readonly contexts = new Map<string, Value>();
  private readonly tools = new Map<string, string>();
  /** Tools that are plain values (bound as they are). */
  private readonly toolValues = new Map<string, Value>();
  private answer: { [key: string]: Value } = freshAnswer();
  private final: string | undefined;
  private stdout = "";
  /** Set by an interrupt during a call; raised as KeyboardInterrupt at the next step. */
  private interrupted = false;
  private running = false;

  constructor(
    private readonly hostCall: HostCallAnswer,
    private readonly maxOutputChars: number,
  ) {}

  interrupt(): void {
    if (this.running) this.interrupted = true;
  }

  async call(method: string, args: unknown[]): Promise<TransportReply> {
    if (method === "_rlm_exec") return reply(await this.exec(String(args[0])));
    if (method === "_rlm_get_var") {
      const name = String(args[0]);
      const found = this.namespace.has(name) || this.contexts.has(name);
      return reply({ found, value: found ? pyStr(this.lookup(name)) : "" });
    }
    if (method === "_rlm_set_tools") {
      for (const spec of args[0] as { name: string; description: string; value?: Value }[]) {
        if (RESERVED.has(spec.name)) throw new Error(`a tool cannot be named ${spec.name}: the REPL uses it`);
        if ("value" in spec) this.toolValues.set(spec.name, spec.value ?? null);
        else this.tools.set(spec.name, spec.description);
      }
      return reply(null);
    }
    throw new Error(`the in-memory sandbox has no entry point ${method}`);
  }

  load({ plan, sources }: PlannedLoad): TransportReply {
    if (RESERVED.has(plan.variable) && plan.variable !== "context") {
      throw new Error(`cannot load a context into ${plan.variable}: the REPL uses that name`);
    }
    let replacedBytes = 0;
    const texts = sources.map((source) => {
      if (typeof source === "string") return source;
      const text = new TextDecoder().decode(source);
      replacedBytes += text.split("\ufffd").length - 1;
      return text;
    });
    if (plan.kind === "json") {
      const value = JSON.parse(texts[0] ?? "null") as Value;
      this.contexts.set(plan.variable, value);
      const items = Array.isArray(value) ? value : Object.values(value as { [key: string]: Value });
      const partLengths = items.map((item) =>
        typeof item === "string" ? [...item].length : JSON.stringify(item).length,
      );
      return reply({
        variable: plan.variable,
        type: Array.isArray(value) ? "list" : "dict",
        totalChars: partLengths.reduce((sum, length) => sum + length, 0),
        partLengths,
        ...(Array.isArray(value) ? {} : { keys: Object.keys(value as object) }),
        json: true,
        replacedBytes,
        elapsedMs: 0,
      });
    }
    const value: Value =
      plan.kind === "list"
        ? texts
        : plan.kind === "dict"
          ? Object.fromEntries((plan.keys ?? []).map((key, index) => [key, texts[index] ?? ""]))
          : (texts[0] ?? "");
    this.contexts.set(plan.variable, value);
    const partLengths = texts.map((text) => [...text].length);
    return reply({
      variable: plan.variable,
      type: plan.kind === "bytes" ? "str" : plan.kind,
      totalChars: partLengths.reduce((sum, length) => sum + length, 0),
      partLengths,
      ...(plan.keys === undefined ? {} : { keys: plan.keys }),
      replacedBytes,
      elapsedMs: 0,
    });
  }

  private async exec(code: string): Promise<DriverExec> {
    this.stdout = "";
    this.final = undefined;
    this.running = true;
    this.interrupted = false;
    let error: string | null = null;
    const lines = code.split("\n");
    let lineNumber = 0;
    try {
      const statements = lines
        .map((text, index) => ({ text: text.trimEnd(), line: index + 1 }))
        .filter(({ text }) => text.trim() !== "" && !text.trim().startsWith("#"));
      // Python compiles the whole block first: a line the fake cannot run fails before any runs.
      for (const { text, line } of statements) {
        lineNumber = line;
        const keyword =
          /^(\s+|(?:for|while|if|elif|else|def|class|with|try|except|finally|import|from|return|lambda|async|await|global|del|pass|assert|yield)\b)/.exec(
            text,
          );
        if (keyword)
          throw new PyError(
            "SyntaxError",
            `the in-memory sandbox runs no ${keyword[1]!.trim() || "indented"} statements`,
          );
      }
      for (const [index, statement] of statements.entries()) {
        lineNumber = statement.line;
        this.checkInterrupt();
        const echoed = await this.run(statement.text);
        this.checkInterrupt();
        if (index === statements.length - 1 && echoed !== undefined && echoed !== null) {
          this.print(`${pyRepr(echoed)}\n`);
        }
      }
    } catch (caught) {
      const raised = caught instanceof PyError ? caught : new PyError("RuntimeError", String(caught));
      const where = lines[lineNumber - 1]?.trim() ?? "";
      error = `Traceback (most recent call last):\n  File "<repl>", line ${lineNumber}, in <module>\n    ${where}\n${raised.type}: ${raised.message}`;
    } finally {
      this.running = false;
      this.interrupted = false;
    }
    const answer = this.takeAnswer();
    for (const name of RESERVED) this.namespace.delete(name);
    return {
      stdout: truncateHeadTail(this.stdout, this.maxOutputChars),
      stderr: "",
      error,
      answer,
      variables: [...this.namespace].map(([name, value]) => ({
        name,
        type: pyType(value),
        size: size(value),
      })),
    };
  }

  /** Runs one line; returns the value of a bare expression (undefined for a statement). */
  private async run(line: string): Promise<Value | undefined> {
    if (/^\s/.test(line))
      throw new PyError("SyntaxError", `the in-memory sandbox runs one-line statements only: ${line}`);
    const raise = /^raise\s+([A-Za-z_]\w*)\((.*)\)$/.exec(line);
    if (raise) throw new PyError(raise[1]!, pyStr(raise[2] === "" ? "" : await this.evaluate(raise[2]!)));
    const subscript = /^([A-Za-z_]\w*)\[(.+?)\]\s*=(?!=)\s*(.+)$/.exec(line);
    if (subscript) {
      const target = this.lookup(subscript[1]!);
      const key = pyStr(await this.evaluate(subscript[2]!));
      if (typeof target !== "object" || target === null || Array.isArray(target)) {
        throw new PyError("TypeError", `${subscript[1]} does not support item assignment here`);
      }
      setItem(target, key, await this.evaluate(subscript[3]!));
      return undefined;
    }
    const assignment = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(line);
    if (assignment) {
      const [, name, expression] = assignment as unknown as [string, string, string];
      const value = await this.evaluate(expression);
      if (name === "answer" && typeof value === "object" && value !== null && !Array.isArray(value))
        this.answer = value;
      else this.namespace.set(name, value);
      return undefined;
    }
    const isPrint = /^print\(/.test(line);
    const value = await this.evaluate(line);
    return isPrint ? undefined : value;
  }

  private evaluate(source: string): Promise<Value> {
    return new Expression(tokenize(source), this).parse();
  }

  lookup(name: string): Value {
    if (this.namespace.has(name)) return this.namespace.get(name)!;
    if (this.toolValues.has(name)) return this.toolValues.get(name)!;
    if (this.contexts.has(name)) return this.contexts.get(name)!;
    if (name === "context") {
      const first = this.contexts.values().next();
      if (!first.done) return first.value;
    }
    if (name === "answer") return this.answer;
    if (name === "True") return true;
    if (name === "False") return false;
    if (name === "None") return null;
    throw new PyError("NameError", `name '${name}' is not defined`);
  }

  async invoke(name: string, args: Value[], kwargs: Record<string, Value>): Promise<Value> {
    const model = kwargs.model === undefined || kwargs.model === null ? null : pyStr(kwargs.model);
    // undefined: a tool's name or an unknown one, served after the switch.
    const called = isBuiltinOrReplName(name) ? name : undefined;
    switch (called) {
      case undefined:
        break;
      case "print":
        this.print(`${args.map(pyStr).join(" ")}\n`);
        return null;
      case "len":
        return size(args[0] ?? null);
      case "str":
        return pyStr(args[0] ?? "");
      case "repr":
        return pyRepr(args[0] ?? null);
      case "FINAL":
        this.final = pyStr(args[0] ?? null);
        return null;
      case "FINAL_VAR": {
        const chosen = args[0] ?? null;
        const named = typeof chosen === "string" ? chosen.trim().replace(/^["'`]+|["'`]+$/g, "") : undefined;
        if (named !== undefined && this.namespace.has(named)) this.final = pyStr(this.namespace.get(named)!);
        else if (
          named !== undefined &&
          /^[A-Za-z_]\w*$/.test(named) &&
          ![...this.namespace.values()].includes(chosen)
        ) {
          throw new PyError("NameError", `FINAL_VAR('${named}'): no variable named '${named}'`);
        } else this.final = pyStr(chosen);
        return null;
      }
      case "SHOW_VARS": {
        const rows = [...this.namespace].map(
          ([key, value]) => `${key}: ${pyType(value)} (size ${size(value)})`,
        );
        return rows.length > 0 ? rows.join("\n") : "(no variables yet)";
      }
      case "llm_query":
      case "ask_llm":
      case "rlm_query": {
        const kind = name === "rlm_query" ? "rlm" : "llm";
        const [result] = await this.query(kind, [pyStr(args[0] ?? null)], model);
        if (result === undefined || !result.ok) throw new PyError("RuntimeError", `[error] ${result?.error}`);
        return result.text;
      }
      case "llm_query_batched":
      case "parallel_ask_llm":
      case "rlm_query_batched": {
        const prompts = args[0];
        if (!Array.isArray(prompts)) throw new PyError("TypeError", `${name}() takes a list of prompts`);
        const dryRun = kwargs.dry_run === true;
        if (prompts.length === 0 && !dryRun) return [];
        const kind = name === "rlm_query_batched" ? "rlm" : "llm";
        const reply = (await this.host({
          type: "query",
          kind,
          model,
          prompts: prompts.map(pyStr),
          batch: true,
          dryRun,
        })) as { results?: QuerySlot[]; estimate?: { [key: string]: Value }; refused?: string };
        if (reply.refused !== undefined) throw new PyError("RuntimeError", reply.refused);
        if (dryRun) return reply.estimate ?? {};
        return (reply.results ?? []).map((result) => (result.ok ? result.text : `[error] ${result.error}`));
      }
      case "context":
      case "answer":
        // Values, not functions (`lookup` reads them): calling one ends in the NameError below.
        break;
      default:
        return unhandled(called);
    }
    if (this.tools.has(name)) {
      const answer = (await this.host({ type: "tool", name, args, kwargs })) as {
        ok: boolean;
        value?: Value;
        error?: string;
        errorType?: string;
      };
      if (!answer.ok && answer.errorType !== undefined)
        throw new PyError(answer.errorType, answer.error ?? "");
      if (!answer.ok) throw new PyError("RuntimeError", `[error] tool ${name} failed: ${answer.error}`);
      return answer.value ?? null;
    }
    throw new PyError("NameError", `name '${name}' is not defined (the in-memory sandbox)`);
  }

  private async query(kind: "llm" | "rlm", prompts: string[], model: string | null): Promise<QuerySlot[]> {
    const reply = (await this.host({ type: "query", kind, model, prompts })) as { results: QuerySlot[] };
    return reply.results;
  }

  /** One blocking host call; an interrupt that came meanwhile is raised once the reply is in. */
  private async host(request: unknown): Promise<unknown> {
    const reply = await this.hostCall(request);
    // The fake never reads a lazy context (its runtime refuses one), so every reply is JSON text.
    const answer: unknown = JSON.parse(
      typeof reply === "string" ? reply : Buffer.from(reply).toString("utf8"),
    );
    this.checkInterrupt();
    return answer;
  }

  private checkInterrupt(): void {
    if (!this.interrupted) return;
    this.interrupted = false;
    throw new PyError("KeyboardInterrupt", "");
  }

  private print(text: string): void {
    this.stdout += text;
  }

  private takeAnswer(): string | null {
    if (this.final !== undefined) return this.final;
    const ready = this.answer.ready === true;
    const content = this.answer.content ?? "";
    this.answer = freshAnswer();
    return ready ? pyStr(content) : null;
  }
}

/** Tokens: strings, numbers, names and single-character punctuation. */
type Token = { kind: "string" | "number" | "name" | "punct"; text: string; value?: Value };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|([()[\]{},=+:*-]))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (match === null)
      throw new PyError("SyntaxError", `the in-memory sandbox cannot read: ${source.slice(index)}`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: "string", text: match[1], value: unquote(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: "number", text: match[2], value: Number(match[2]) });
    else if (match[3] !== undefined) tokens.push({ kind: "name", text: match[3] });
    else tokens.push({ kind: "punct", text: match[4]! });
  }
  return tokens;
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  const escapes: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", "'": "'", '"': '"' };
  return body.replace(/\\(.)/g, (_, char: string) => escapes[char] ?? `\\${char}`);
}

/** Recursive descent over one line's tokens, calling back into the fake for names and calls. */
class Expression {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly python: FakePython,
  ) {}

  async parse(): Promise<Value> {
    const value = await this.sum();
    if (this.position < this.tokens.length) this.fail();
    return value;
  }

  private async sum(): Promise<Value> {
    let value = await this.postfix();
    while (this.peek("+") || this.peek("*")) {
      const operator = this.next().text;
      const right = await this.postfix();
      value = operate(operator, value, right);
    }
    return value;
  }

  private async postfix(): Promise<Value> {
    const token = this.tokens[this.position];
    let value: Value;
    if (token?.kind === "name" && this.tokens[this.position + 1]?.text === "(") {
      this.position += 2;
      const { args, kwargs } = await this.arguments();
      value = await this.python.invoke(token.text, args, kwargs);
    } else value = await this.atom();
    while (this.peek("[")) {
      this.next();
      const key = await this.sum();
      this.expect("]");
      value = subscript(value, key);
    }
    return value;
  }

  private async arguments(): Promise<{ args: Value[]; kwargs: Record<string, Value> }> {
    const args: Value[] = [];
    const kwargs: Record<string, Value> = {};
    while (!this.peek(")")) {
      const token = this.tokens[this.position];
      if (token?.kind === "name" && this.tokens[this.position + 1]?.text === "=") {
        this.position += 2;
        kwargs[token.text] = await this.sum();
      } else args.push(await this.sum());
      if (!this.peek(")")) this.expect(",");
    }
    this.expect(")");
    return { args, kwargs };
  }

  private async atom(): Promise<Value> {
    const token = this.next();
    if (token.kind === "string" || token.kind === "number") return token.value!;
    if (token.kind === "name") return this.python.lookup(token.text);
    if (token.text === "-") return -Number(await this.atom());
    if (token.text === "(") {
      const value = await this.sum();
      this.expect(")");
      return value;
    }
    if (token.text === "[") {
      const items: Value[] = [];
      while (!this.peek("]")) {
        items.push(await this.sum());
        if (!this.peek("]")) this.expect(",");
      }
      this.expect("]");
      return items;
    }
    if (token.text === "{") {
      const entries: { [key: string]: Value } = {};
      while (!this.peek("}")) {
        const key = pyStr(await this.sum());
        this.expect(":");
        setItem(entries, key, await this.sum());
        if (!this.peek("}")) this.expect(",");
      }
      this.expect("}");
      return entries;
    }
    return this.fail();
  }

  private peek(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === "punct" && token.text === text;
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) return this.fail();
    return token;
  }

  private expect(text: string): void {
    if (!this.peek(text)) this.fail();
    this.position++;
  }

  private fail(): never {
    const near = this.tokens[this.position]?.text ?? "the end of the line";
    throw new PyError("SyntaxError", `the in-memory sandbox does not support this line (near ${near})`);
  }
}

function operate(operator: string, left: Value, right: Value): Value {
  if (operator === "+" && typeof left === "number" && typeof right === "number") return left + right;
  if (operator === "+" && typeof left === "string" && typeof right === "string") return left + right;
  if (operator === "+" && Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  if (operator === "*" && typeof left === "number" && typeof right === "number") return left * right;
  if (operator === "*" && typeof left === "string" && typeof right === "number") return left.repeat(right);
  throw new PyError(
    "TypeError",
    `unsupported operand types for ${operator}: ${pyType(left)} and ${pyType(right)}`,
  );
}

function subscript(value: Value, key: Value): Value {
  if ((typeof value === "string" || Array.isArray(value)) && typeof key === "number") {
    const index = key < 0 ? value.length + key : key;
    const item = typeof value === "string" ? [...value][index] : value[index];
    if (item === undefined) throw new PyError("IndexError", "index out of range");
    return item;
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value) && typeof key === "string") {
    if (!Object.hasOwn(value, key)) throw new PyError("KeyError", pyRepr(key));
    return value[key]!;
  }
  throw new PyError("TypeError", `${pyType(value)} cannot be indexed by ${pyType(key)}`);
}

/** An own property whatever the key: `d["__proto__"] = ...` must not reach a JS object's prototype. */
function setItem(target: { [key: string]: Value }, key: string, value: Value): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function freshAnswer(): { [key: string]: Value } {
  return { content: "", ready: false };
}

function reply(value: unknown): TransportReply {
  return { value, rawStdout: "", rawStderr: "" };
}

export function pyType(value: Value): string {
  if (value === null) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return Array.isArray(value) ? "list" : "dict";
}

function size(value: Value): number {
  if (typeof value === "string") return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (typeof value === "object" && value !== null) return Object.keys(value).length;
  return pyRepr(value).length;
}

export function pyStr(value: Value): string {
  return typeof value === "string" ? value : pyRepr(value);
}

export function pyRepr(value: Value): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\t/g, "\\t")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${pyRepr(key)}: ${pyRepr(item)}`)
    .join(", ")}}`;
}
