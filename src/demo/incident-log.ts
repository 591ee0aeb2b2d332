/**
 * The demo's document: a few hundred KB of a plausible service log (requests, deploys, cache
 * hits, slow upstreams, deferred mail...), with three incidents planted at random positions. The
 * seed decides everything (the lines, the incidents, where they go), so a test can generate the
 * same document and know what the answer must hold without hard-coding it.
 */

/** The question `rlm demo` asks about the log. */
export const DEMO_QUESTION = "Which incidents were opened in this log, and what was the root cause of each?";

export interface PlantedIncident {
  id: string;
  /** The log line's timestamp, as written in the log. */
  time: string;
  openedBy: string;
  symptom: string;
  cause: string;
  /** Character offset of the incident's line in the document. */
  offset: number;
}

export interface IncidentLog {
  text: string;
  question: string;
  seed: number;
  incidents: PlantedIncident[];
}

export interface IncidentLogOptions {
  /** Approximate size of the document in characters (at least 20 000). */
  size: number;
  seed: number;
}

export const MIN_DEMO_SIZE = 20_000;
export const MAX_DEMO_SIZE = 20_000_000;
const INCIDENTS = 3;

/** mulberry32: a small seeded generator, enough to place lines and facts reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

function hex(random: Random, length: number): string {
  let text = "";
  for (let index = 0; index < length; index++) text += "0123456789abcdef"[Math.floor(random() * 16)];
  return text;
}

const PEOPLE = ["dana", "ibrahim", "mei", "lukas", "priya", "tomas", "aiko", "rafael", "noor", "oskar"];
/** What went wrong, and why: pairs that belong together. */
const INCIDENT_KINDS: readonly { symptom: string; cause: string }[] = [
  {
    symptom: "checkout latency above 2 s for 9 minutes",
    cause: "a missing index on orders.customer_id after the migration",
  },
  { symptom: "card payments failing for 4% of orders", cause: "an expired TLS certificate on payments-db" },
  { symptom: "search returning empty results in eu-west", cause: "a full disk on the search-indexer host" },
  { symptom: "sign-in errors spiking to 120 per minute", cause: "clock skew of 40 s on two auth nodes" },
  {
    symptom: "order confirmation emails delayed by 40 minutes",
    cause: "a DNS record for the mail relay deleted by a cleanup script",
  },
  {
    symptom: "inventory counts off for 310 products",
    cause: "a stock-sync job run twice after a scheduler restart",
  },
  {
    symptom: "api-gateway returning 502 to mobile clients",
    cause: "a retry storm from the mobile app's new sync code",
  },
  {
    symptom: "nightly invoice job stuck at 63%",
    cause: "a memory leak in the pdf renderer after release 4.12",
  },
  {
    symptom: "product pages timing out for logged-in users",
    cause: "a config push that set the connection pool to 2",
  },
];
const SERVICES = [
  "api-gateway",
  "checkout",
  "payments",
  "inventory",
  "search",
  "auth",
  "mailer",
  "scheduler",
];
const PATHS = ["/v1/orders", "/v1/cart", "/v1/products", "/v1/users/me", "/v1/search", "/v1/invoices"];
const JOBS = ["invoice-export", "cache-warmup", "sitemap-build", "stock-sync", "report-daily", "gc-sessions"];
const DOMAINS = ["example.org", "mail.example.net", "corp.example.com", "shop.example.io"];

/** One ordinary log line's level, service and message. */
function ordinaryLine(random: Random): [string, string, string] {
  const roll = random();
  if (roll < 0.34) {
    const status = random() < 0.93 ? 200 : pick(random, [201, 204, 304, 404]);
    const path = `${pick(random, PATHS)}${random() < 0.5 ? `/${between(random, 1000, 99999)}` : ""}`;
    return [
      "INFO",
      "api-gateway",
      `${pick(random, ["GET", "GET", "POST", "PUT"])} ${path} ${status} ${between(random, 3, 240)}ms req=${hex(random, 8)}`,
    ];
  }
  if (roll < 0.46) {
    return [
      "INFO",
      "checkout",
      `cart ${hex(random, 6)} checked out, ${between(random, 1, 9)} items, total ${between(random, 5, 480)}.${between(random, 10, 99)} EUR`,
    ];
  }
  if (roll < 0.58) {
    return [
      "DEBUG",
      "inventory",
      `cache ${random() < 0.8 ? "hit" : "miss"} sku=${pick(random, ["SKU", "ITM", "PRD"])}-${between(random, 10000, 99999)} ttl=${between(random, 5, 600)}s`,
    ];
  }
  if (roll < 0.68) {
    return [
      "INFO",
      "auth",
      `user u${between(random, 1000, 99999)} signed in from 10.${between(random, 0, 255)}.${between(random, 0, 255)}.${between(random, 1, 254)}`,
    ];
  }
  if (roll < 0.75) {
    return [
      "WARN",
      "payments",
      `upstream slow: card-processor answered in ${between(random, 801, 2400)}ms (threshold 800ms)`,
    ];
  }
  if (roll < 0.82) {
    return ["INFO", "scheduler", `job ${pick(random, JOBS)} finished in ${between(random, 1, 300)}s`];
  }
  if (roll < 0.87) {
    return [
      "ERROR",
      "mailer",
      `delivery to ${pick(random, DOMAINS)} deferred: 421 try again later (attempt ${between(random, 1, 3)}/5)`,
    ];
  }
  if (roll < 0.93) {
    return [
      "INFO",
      "search",
      `reindexed ${between(random, 10, 5000)} documents in ${between(random, 20, 900)}ms`,
    ];
  }
  if (roll < 0.97) {
    return [
      "WARN",
      "api-gateway",
      `rate limit reached for client c-${hex(random, 4)}, 429 returned for ${between(random, 1, 60)}s`,
    ];
  }
  return [
    "INFO",
    "deploy",
    `${pick(random, SERVICES)} 4.${between(random, 1, 30)}.${between(random, 0, 9)} rolled out to ${pick(random, [10, 25, 50, 100])}% of hosts`,
  ];
}

function logLine(time: number, level: string, service: string, message: string): string {
  // Milliseconds dropped: second precision reads like most service logs.
  const stamp = new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${stamp} ${level.padEnd(5)} ${service.padEnd(11)} ${message}`;
}

/** Distinct items in random order. */
function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * The log for `seed`, about `size` characters, with three incidents: one at a random place in each
 * third of the document (so they are spread out, in order of time).
 */
export function generateIncidentLog(options: IncidentLogOptions): IncidentLog {
  const size = Math.max(MIN_DEMO_SIZE, Math.floor(options.size));
  const random = seededRandom(options.seed);
  const kinds = shuffled(random, INCIDENT_KINDS);
  const ids = new Set<string>();
  while (ids.size < INCIDENTS) ids.add(`INC-${between(random, 1000, 9999)}`);
  const plans = [...ids].map((id, index) => {
    const third = size / INCIDENTS;
    return {
      id,
      at: Math.floor(third * index + third * (0.05 + 0.9 * random())),
      openedBy: pick(random, PEOPLE),
      symptom: kinds[index]!.symptom,
      cause: kinds[index]!.cause,
    };
  });

  const lines: string[] = [];
  const incidents: PlantedIncident[] = [];
  let length = 0;
  let time = Date.UTC(2025, 2, 3, 6, 0, 0) + between(random, 0, 86_400) * 1000;
  const push = (line: string): void => {
    lines.push(line);
    length += line.length + 1;
  };
  while (length < size || incidents.length < plans.length) {
    time += between(random, 200, 6000);
    const next = plans[incidents.length];
    if (next !== undefined && length >= next.at) {
      const line = logLine(
        time,
        "WARN",
        "pager",
        `incident ${next.id} opened by ${next.openedBy}: ${next.symptom}. Root cause: ${next.cause}.`,
      );
      incidents.push({
        id: next.id,
        time: line.slice(0, line.indexOf(" ")),
        openedBy: next.openedBy,
        symptom: next.symptom,
        cause: next.cause,
        offset: length,
      });
      push(line);
      continue;
    }
    const [level, service, message] = ordinaryLine(random);
    push(logLine(time, level, service, message));
  }
  return { text: `${lines.join("\n")}\n`, question: DEMO_QUESTION, seed: options.seed, incidents };
}
