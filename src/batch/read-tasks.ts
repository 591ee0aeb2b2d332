/**
 * Reads a tasks file (JSONL): each line is one task in the rlm format (`{"id", "query", "paths"}`
 * or `{"id", "query", "context"}`) or one line of OpenAI's Batch API input (`custom_id`, `method`,
 * `url: "/v1/chat/completions"`, `body` with messages, split into context, query and instructions
 * by the same rule as `rlm serve`). A line that cannot be read becomes an `InvalidLine` that names
 * its number and the problem; it never stops the rest of the batch. Blank lines are skipped.
 */

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { RlmError } from "../errors/index.js";
import { ChatContextError, chatContext } from "../inputs/index.js";
import { chatMessagesOf, chatRequestSchema } from "../server/chat-request.js";
import type { BatchTask, InvalidLine, TaskFormat } from "./task.js";

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(jsonValue)]),
);

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

const rlmLineSchema = z
  .object({
    id: idSchema,
    query: z.string().refine((query) => query.trim() !== "", "is empty"),
    paths: z.array(z.string().min(1)).min(1).optional(),
    context: z.union([z.string(), z.array(jsonValue), z.record(jsonValue)]).optional(),
    instructions: z.string().optional(),
  })
  .strict()
  .refine((line) => (line.paths === undefined) !== (line.context === undefined), {
    message: "give exactly one of paths (files to read) or context (the text itself)",
  });

const openaiLineSchema = z.object({
  custom_id: idSchema,
  method: z.literal("POST"),
  url: z.literal("/v1/chat/completions"),
  body: chatRequestSchema,
});

export interface TaskFile {
  tasks: BatchTask[];
  invalid: InvalidLine[];
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid";
  const path = issue.path.join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}

type LineResult = { task: BatchTask } | { error: string; id?: string; format: TaskFormat };

async function readOpenAiLine(value: unknown, line: number, base: string): Promise<LineResult> {
  const customId = (value as { custom_id?: unknown }).custom_id;
  const id = typeof customId === "string" || typeof customId === "number" ? String(customId) : undefined;
  const parsed = openaiLineSchema.safeParse(value);
  if (!parsed.success) return { error: firstIssue(parsed.error), id, format: "openai" };
  const { body } = parsed.data;
  const messages = chatMessagesOf(body.messages);
  try {
    const split = await chatContext(messages, {
      context: body.rlm_context,
      contextField: "body.rlm_context",
    });
    return {
      task: {
        id: parsed.data.custom_id,
        line,
        format: "openai",
        query: split.query,
        context: split.context,
        base,
        model: body.model,
        ...(split.instructions !== undefined ? { instructions: split.instructions } : {}),
      },
    };
  } catch (error) {
    if (!(error instanceof ChatContextError)) throw error;
    const where = error.location?.message !== undefined ? `body.messages.${error.location.message}: ` : "";
    return { error: `${where}${error.message}`, id, format: "openai" };
  }
}

async function readLine(text: string, line: number, base: string): Promise<LineResult> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})`, format: "rlm" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { error: "not a JSON object", format: "rlm" };
  }
  if ("custom_id" in value || "body" in value) return readOpenAiLine(value, line, base);
  const rawId = (value as { id?: unknown }).id;
  const id = typeof rawId === "string" || typeof rawId === "number" ? String(rawId) : undefined;
  const parsed = rlmLineSchema.safeParse(value);
  if (!parsed.success) return { error: firstIssue(parsed.error), id, format: "rlm" };
  const { paths, context, instructions } = parsed.data;
  return {
    task: {
      id: parsed.data.id,
      line,
      format: "rlm",
      query: parsed.data.query,
      base,
      ...(paths !== undefined ? { paths } : {}),
      ...(context !== undefined ? { context: context as BatchTask["context"] } : {}),
      ...(instructions !== undefined ? { instructions } : {}),
    },
  };
}

/** Reads and checks every line; an id used twice makes its later lines invalid. */
export async function readTaskFile(path: string): Promise<TaskFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new RlmError(
      "input-not-found",
      `The tasks file ${path} cannot be read (${(error as Error).message}).`,
      {
        hint: "Give a JSONL file with one task per line.",
      },
    );
  }
  const base = dirname(resolve(path));
  const tasks: BatchTask[] = [];
  const invalid: InvalidLine[] = [];
  const firstLineOf = new Map<string, number>();
  for (const [index, raw] of text.split("\n").entries()) {
    const line = index + 1;
    if (raw.trim() === "") continue;
    const result = await readLine(raw, line, base);
    if ("error" in result) {
      invalid.push({
        id: result.id ?? `line-${line}`,
        line,
        format: result.format,
        error: `line ${line}: ${result.error}`,
      });
      continue;
    }
    const earlier = firstLineOf.get(result.task.id);
    if (earlier !== undefined) {
      // A second line with the id cannot get a result line of its own (each id appears once).
      invalid.push({
        id: `line-${line}`,
        line,
        format: result.task.format,
        error: `line ${line}: the id ${JSON.stringify(result.task.id)} is already used on line ${earlier}`,
      });
      continue;
    }
    firstLineOf.set(result.task.id, line);
    tasks.push(result.task);
  }
  return { tasks, invalid };
}
