import type { UsageTotals } from "../models/types.js";
import { parseReply } from "../rlm/parse-reply.js";
import { thousands } from "../rlm/prompts.js";
import type { RlmEvent } from "../trace/types.js";

/**
 * What the user sees on stderr while a run works. On a terminal: one status line redrawn in place
 * (what it is doing before the first turn: checking the backends, starting the sandbox, loading
 * the context; then turn, sub-calls done/total, tokens, cost, elapsed), with `--verbose` output
 * (each reply, each code block and its output, each note the loop sent the model) scrolling above
 * it. Piped: a plain line per finished turn and one at the end, so logs stay readable.
 */

export interface ProgressOptions {
  write: (text: string) => void;
  /** Redraw one line in place (a terminal) rather than print lines. */
  interactive: boolean;
  /** Show each code block and its output as it runs. */
  verbose: boolean;
  /** Terminal width, to keep the status line on one row. */
  columns?: number;
  /** False: no status line or per-turn lines, only the verbose output (`-q -v`). Default true. */
  statusLine?: boolean;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const MAX_SHOWN_OUTPUT = 4_000;

function shorten(text: string, limit = MAX_SHOWN_OUTPUT): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  return `${text.slice(0, half)}\n... [${text.length - limit} characters not shown] ...\n${text.slice(-half)}`;
}

export class ProgressDisplay {
  private readonly started = performance.now();
  private turn = 0;
  private subCallsStarted = 0;
  private subCallsDone = 0;
  private tokens = 0;
  private cost = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private lineShown = false;
  private stopped = false;
  /** What the run is doing before its first turn. */
  private step: string | undefined = "starting";
  private readonly statusLine: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.statusLine = options.statusLine ?? true;
    if (options.interactive && this.statusLine) {
      this.timer = setInterval(() => this.redraw(), 120);
      this.timer.unref();
    }
  }

  /** Says what the command is doing before the run's first turn (e.g. "checking the backends"). */
  setStep(step: string): void {
    this.step = step;
    if (this.options.interactive) this.redraw();
  }

  status(): string {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    if (this.turn === 0 && this.step !== undefined) return `${this.step} · ${seconds}s`;
    return [
      `turn ${this.turn}`,
      `sub-calls ${this.subCallsDone}/${this.subCallsStarted}`,
      `${thousands(this.tokens)} tokens`,
      `$${this.cost.toFixed(4)}`,
      `${seconds}s`,
    ].join(" · ");
  }

  /** Warnings already shown. */
  private readonly warned = new Set<string>();

  onEvent(event: RlmEvent): void {
    // Work cancelled after the run ended (a pool closing) may still report; the display is done.
    if (this.stopped) return;
    switch (event.type) {
      case "run-step":
        if (event.depth === 0) this.step = event.step;
        break;
      case "iteration-start":
        if (event.depth === 0) {
          this.turn = event.iteration;
          this.step = undefined;
        }
        break;
      case "model-reply":
        this.tokens += event.usage.promptTokens + event.usage.completionTokens;
        if (this.options.verbose) this.logReply(event);
        break;
      case "model-note":
        if (this.options.verbose)
          this.log(`── note to the model${depthOf(event.depth)} ──\n${shorten(event.message)}`);
        break;
      case "subcall-start":
        this.subCallsStarted++;
        break;
      case "subcall-end":
        this.subCallsDone++;
        if (event.error && this.options.verbose) this.log(`sub-call ${event.id} failed: ${event.error}`);
        break;
      case "iteration-end":
        this.setTotals(event.usage);
        if (event.depth === 0 && !this.options.interactive && this.statusLine)
          this.options.write(`[rlm] ${this.status()}\n`);
        break;
      case "code-start":
        if (this.options.verbose) {
          this.log(
            `── turn ${event.iteration}, code block ${event.index + 1}${depthOf(event.depth)} ──\n${shorten(event.code.replace(/\s+$/, ""))}`,
          );
        }
        break;
      case "code-end":
        if (this.options.verbose) this.log(this.describeOutput(event));
        break;
      case "warning":
        // The same warning each turn (a reply cap lowered, older turns dropped) is said once;
        // --verbose shows every one where it happens.
        if (this.options.verbose || !this.warned.has(event.message)) this.log(`warning: ${event.message}`);
        this.warned.add(event.message);
        break;
      case "run-end":
        if (event.depth === 0 && !this.options.interactive && this.statusLine) {
          this.options.write(`[rlm] finished (${event.stopReason}): ${this.status()}\n`);
        }
        break;
    }
    if (this.options.interactive) this.redraw();
  }

  /** A reply's words (its code blocks follow as they run); the whole reply when it has no code. */
  private logReply(event: Extract<RlmEvent, { type: "model-reply" }>): void {
    const header = `── turn ${event.iteration} reply${depthOf(event.depth)}`;
    const parsed = parseReply(event.text);
    if (parsed.codeBlocks.length === 0)
      this.log(`${header} (no code block) ──\n${shorten(event.text.trim())}`);
    else if (parsed.prose.trim() !== "") this.log(`${header} ──\n${shorten(parsed.prose.trim())}`);
  }

  private describeOutput(event: Extract<RlmEvent, { type: "code-end" }>): string {
    const parts = [`── output (${(event.elapsedMs / 1000).toFixed(2)}s) ──`];
    if (event.stdout) parts.push(shorten(event.stdout.replace(/\n$/, "")));
    if (event.stderr) parts.push(`[stderr] ${shorten(event.stderr.replace(/\n$/, ""))}`);
    if (event.error) parts.push(`[error] ${shorten(event.error.replace(/\n$/, ""))}`);
    if (parts.length === 1) parts.push("(no output)");
    return parts.join("\n");
  }

  private setTotals(usage: Record<string, UsageTotals>): void {
    let tokens = 0;
    let cost = 0;
    for (const totals of Object.values(usage)) {
      tokens += totals.promptTokens + totals.completionTokens;
      cost += totals.costUsd;
    }
    this.tokens = tokens;
    this.cost = cost;
  }

  /** Prints a block of text above the status line. */
  log(text: string): void {
    this.clear();
    this.options.write(`${text}\n`);
    if (this.options.interactive) this.redraw();
  }

  private clear(): void {
    if (this.lineShown) this.options.write("\r\x1b[2K");
    this.lineShown = false;
  }

  private redraw(): void {
    if (!this.statusLine || this.stopped) return;
    this.frame = (this.frame + 1) % SPINNER.length;
    const line = `${SPINNER[this.frame]} rlm · ${this.status()}`;
    const width = Math.max(20, (this.options.columns ?? 80) - 1);
    this.options.write(`\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`);
    this.lineShown = true;
  }

  /** Stops the redraw timer and leaves the final status on its own line (terminal) or nothing (piped). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.interactive && this.statusLine) {
      this.clear();
      this.options.write(`rlm · ${this.status()}\n`);
    }
  }
}

function depthOf(depth: number): string {
  return depth > 0 ? ` (depth ${depth})` : "";
}
