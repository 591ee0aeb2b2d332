import { thousands } from "../rlm/prompts.js";
import type { RlmEvent } from "../trace/types.js";

/**
 * Progress notifications for one `rlm_ask` call: what runs before the first turn (starting the
 * sandbox, loading the context), then the root turn, sub-calls done of started, tokens and elapsed
 * time. MCP's `progress` must grow with each notification, so it counts steps (set-up steps, root
 * turns, finished sub-calls) and a notification goes out only when a step was made. At most
 * one per `intervalMs`: a burst of sub-calls becomes one notification, sent once the interval has
 * passed, with the state at that moment. `stop()` (before the result is returned) drops whatever
 * is pending, so no progress follows the result.
 */

export interface ProgressUpdate {
  /** Set-up steps, root turns started and sub-calls finished: it only grows. */
  progress: number;
  message: string;
}

export class ProgressReporter {
  private readonly started = performance.now();
  private turn = 0;
  /** What runs before the first turn (starting the sandbox, loading the context), and how many such steps. */
  private setup: string | undefined;
  private setupSteps = 0;
  private subCallsStarted = 0;
  private subCallsDone = 0;
  private tokens = 0;
  private sentStep = 0;
  private sentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly send: (update: ProgressUpdate) => void,
    private readonly intervalMs = 500,
  ) {}

  onEvent(event: RlmEvent): void {
    switch (event.type) {
      case "run-step":
        if (event.depth !== 0) return;
        this.setup = event.step;
        this.setupSteps++;
        break;
      case "iteration-start":
        if (event.depth === 0) this.turn = event.iteration;
        break;
      case "model-reply":
        this.tokens += event.usage.promptTokens + event.usage.completionTokens;
        break;
      case "subcall-start":
        this.subCallsStarted++;
        break;
      case "subcall-end":
        this.subCallsDone++;
        break;
      default:
        return;
    }
    this.schedule();
  }

  status(): string {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    if (this.turn === 0 && this.setup !== undefined) return `${this.setup} · ${seconds}s`;
    return `turn ${this.turn} · sub-calls ${this.subCallsDone}/${this.subCallsStarted} · ${thousands(this.tokens)} tokens · ${seconds}s`;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private step(): number {
    return this.setupSteps + this.turn + this.subCallsDone;
  }

  private schedule(): void {
    if (this.stopped || this.timer !== undefined || this.step() <= this.sentStep) return;
    const wait = this.sentAt + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  private flush(): void {
    if (this.stopped) return;
    this.sentStep = this.step();
    this.sentAt = performance.now();
    this.send({ progress: this.sentStep, message: this.status() });
  }
}
