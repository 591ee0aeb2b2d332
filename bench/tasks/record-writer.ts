/**
 * Writes records straight into one growing byte buffer (the language is ASCII) and keeps only
 * their user and label in typed arrays, so 100 M characters of records (about 1.2 million) cost
 * about the text's own size in memory instead of a million objects and strings.
 */

import type { Random } from "./random.js";
import { DAYS, ITEMS, LABELS, type Label, RECORD_TEMPLATES, sentenceCase } from "./record-language.js";

export class RecordWriter {
  private buffer: Buffer;
  private length = 0;
  users = new Int32Array(1024);
  labels = new Uint8Array(1024);
  count = 0;

  constructor(
    private readonly random: Random,
    expectedChars: number,
  ) {
    this.buffer = Buffer.allocUnsafe(expectedChars + 65_536);
  }

  get chars(): number {
    return this.length;
  }

  add(user: number, label: Label): void {
    const random = this.random;
    const template = random.pick(RECORD_TEMPLATES[label]);
    const text = sentenceCase(
      template.replace("{item}", random.pick(ITEMS)).replace("{day}", random.pick(DAYS)),
    );
    const month = String(random.between(1, 12)).padStart(2, "0");
    const day = String(random.between(1, 28)).padStart(2, "0");
    const id = this.count + 1;
    const line = `${this.count === 0 ? "" : "\n"}record ${id} | 2024-${month}-${day} | user ${user} | ${text}`;
    if (this.length + line.length > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    this.length += this.buffer.write(line, this.length, "latin1");
    if (this.count === this.users.length) {
      const users = new Int32Array(this.count * 2);
      users.set(this.users);
      this.users = users;
      const labels = new Uint8Array(this.count * 2);
      labels.set(this.labels);
      this.labels = labels;
    }
    this.users[this.count] = user;
    this.labels[this.count] = LABELS.indexOf(label);
    this.count++;
  }

  labelAt(index: number): Label {
    return LABELS[this.labels[index]!]!;
  }

  text(): string {
    return this.buffer.toString("latin1", 0, this.length);
  }
}
