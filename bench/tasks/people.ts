/**
 * Reading tasks. The needle says where a person ended up living, in one of several phrasings that
 * share no fixed wording with the question, among distractors about the same person visiting other
 * cities and about other people moving: finding the name is easy, telling a move from a visit takes
 * reading. `delegate` asks about one person (the seed's second experiment: a sub-model reads
 * chunks); `parallel` asks about several at once over many chunks (the third: batched sub-calls).
 */

import { buildHaystack, type Needle, sentencePool } from "./haystack.js";
import { textInstance } from "./instance.js";
import { createRandom, type Random } from "./random.js";
import type { TaskGenerator, TaskInstance, TaskOptions } from "./types.js";
import { CITIES, FIRST_NAMES, LAST_NAMES } from "./vocabulary.js";

export const RELOCATION_TEMPLATES = [
  "After years of hesitation, {name} finally packed up everything and made a new home in {city}.",
  "Nobody was surprised when {name} settled for good in {city}, far from the old workshop.",
  "{city} is where {name} eventually put down roots, after leaving the valley behind.",
  "These days {name} lives in {city}, in a narrow flat above a bakery.",
  "When the lease ran out, {name} relocated to {city} and never looked back.",
  "{name} took up residence in {city} the following spring.",
] as const;

export const VISIT_TEMPLATES = [
  "{name} once spent a rainy weekend in {city} visiting an old friend.",
  "{name} gave a short talk at a conference in {city}.",
  "On a brief trip to {city}, {name} bought a secondhand bicycle.",
  "{name} still talks about the food on a holiday in {city}.",
] as const;

function fill(template: string, name: string, city: string): string {
  return template.replace("{name}", name).replace("{city}", city);
}

function allNames(random: Random): string[] {
  const names: string[] = [];
  for (const first of FIRST_NAMES) for (const last of LAST_NAMES) names.push(`${first} ${last}`);
  return random.shuffle(names);
}

function generatePeople(task: string, options: TaskOptions, targets: number): TaskInstance {
  const started = performance.now();
  const random = createRandom(options.seed);
  const names = allNames(random.fork("names"));
  const people = names.slice(0, targets);
  const others = names.slice(targets, targets + 60);
  const needleRandom = random.fork(task);
  const distractors = others.map((name) =>
    fill(
      needleRandom.pick(needleRandom.next() < 0.5 ? RELOCATION_TEMPLATES : VISIT_TEMPLATES),
      name,
      needleRandom.pick(CITIES),
    ),
  );
  const pool = sentencePool(random.fork("pool"), distractors);
  const needles: Needle[] = [];
  const expected: Record<string, string> = {};
  for (const name of people) {
    const cities = needleRandom.shuffle(CITIES);
    expected[name] = cities[0]!;
    needles.push({
      text: fill(needleRandom.pick(RELOCATION_TEMPLATES), name, cities[0]!),
      depth: needleRandom.next(),
    });
    // Two visits to other cities, so "the city next to the name" is wrong two times in three.
    for (const city of cities.slice(1, 3)) {
      needles.push({
        text: fill(needleRandom.pick(VISIT_TEMPLATES), name, city),
        depth: needleRandom.next(),
      });
    }
  }
  const context = buildHaystack(random.fork("filler"), options.chars, pool, needles);
  const first = people[0]!;
  const query =
    targets === 1
      ? `In which city did ${first} end up living? Answer with the city name only.`
      : `Where did each of these people end up living: ${people.join("; ")}? ` +
        "Answer with one line per person in the form 'Name: City'.";
  return textInstance(task, options, started, context, [
    {
      id: `${task}-0`,
      query,
      ask: targets === 1 ? { kind: "where-one", name: first } : { kind: "where-each", names: people },
      expected:
        targets === 1 ? { kind: "exact", value: expected[first]! } : { kind: "assignments", value: expected },
    },
  ]);
}

export const delegateTask: TaskGenerator = {
  name: "delegate",
  description: "one paraphrased fact among look-alike distractors: a sub-model must read the chunks",
  sized: true,
  generate: (options) => generatePeople("delegate", options, 1),
};

export const parallelTask: TaskGenerator = {
  name: "parallel",
  description: "eight paraphrased facts spread over many chunks, read with batched sub-calls",
  sized: true,
  generate: (options) => generatePeople("parallel", options, 8),
};
