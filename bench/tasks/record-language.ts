/**
 * The language of the OOLONG-style records: what a customer message of each label sounds like.
 * The label is never written in a record, so it can only be known by reading the text; the
 * simulated reader (bench/policies) understands exactly this language.
 */

export const LABELS = ["complaint", "praise", "question", "request", "update"] as const;
export type Label = (typeof LABELS)[number];

export const RECORD_TEMPLATES: Record<Label, readonly string[]> = {
  complaint: [
    "{item} arrived broken and nobody answers my emails.",
    "I am very disappointed, {item} stopped working after one day.",
    "This is the third time I write about {item}; this is unacceptable.",
    "The courier left {item} in the rain and it is ruined.",
    "Honestly the worst service I have had, {item} is still missing.",
  ],
  praise: [
    "Thank you so much, {item} is exactly what I hoped for.",
    "Great job by the team, {item} came early and works perfectly.",
    "I love {item}, I will recommend you to all my friends.",
    "Wonderful experience from start to finish with {item}.",
    "Five stars, {item} exceeded every expectation.",
  ],
  question: [
    "Does {item} come with a warranty?",
    "Could you tell me when {item} will be back in stock?",
    "Is it possible to pick up {item} on {day}?",
    "What is the difference between {item} and the older model?",
    "How long does delivery of {item} usually take?",
  ],
  request: [
    "Please cancel my order for {item}.",
    "I would like to change the delivery address for {item}.",
    "Kindly send me a new invoice for {item}.",
    "Please deliver {item} on {day} instead.",
    "Add gift wrapping to {item}, please.",
  ],
  update: [
    "Just letting you know that {item} has arrived safely.",
    "For your records, I returned {item} on {day}.",
    "My payment for {item} went through on {day}.",
    "Note that I already picked up {item} on {day}.",
    "The technician fixed {item} on {day}, all done.",
  ],
};

export const ITEMS = [
  "the blender",
  "my parcel",
  "the desk lamp",
  "the winter coat",
  "the garden hose",
  "the bookshelf",
  "the coffee grinder",
  "the rain jacket",
  "the kettle",
  "the office chair",
  "the hiking boots",
  "the printer",
] as const;

export const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** Capitalises the first letter (templates may start with the `{item}` slot). */
export function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
