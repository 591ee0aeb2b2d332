/**
 * What the simulated models know about the questions they are asked: the runner poses each
 * question (its text and what it asks, `QuestionAsk`, from the task that wrote it) before asking
 * it, and a request is matched to the question whose text it carries (the root's first message,
 * a sub-call's prompt). Matching is by the whole text, never by words in it: any rewording of a
 * question is matched all the same, and what the models do is chosen from the ask alone.
 */

import type { QuestionAsk } from "../tasks/types.js";

export interface PosedQuestion {
  query: string;
  ask: QuestionAsk;
}

export class QuestionBook {
  private readonly asks = new Map<string, QuestionAsk>();

  pose(question: PosedQuestion): void {
    this.asks.set(question.query, question.ask);
  }

  /** The ask of the posed question whose text `text` holds (the longest such text, if several). */
  find(text: string): QuestionAsk | undefined {
    let found: { query: string; ask: QuestionAsk } | undefined;
    for (const [query, ask] of this.asks) {
      if (text.includes(query) && (found === undefined || query.length > found.query.length))
        found = { query, ask };
    }
    return found?.ask;
  }
}
