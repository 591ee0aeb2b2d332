/**
 * A client of an `rlm serve` (or any OpenAI-compatible server) for tests and benches: one chat
 * completion over real HTTP, context then question as two user messages, as users send them.
 */

export interface ChatAnswer {
  status: number;
  /** The first choice's text, or undefined when the reply has none (an error body). */
  content: string | undefined;
  body: unknown;
}

export async function askServer(url: string, context: string, question: string): Promise<ChatAnswer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "rlm",
      messages: [
        { role: "user", content: context },
        { role: "user", content: question },
      ],
    }),
  });
  const body = (await response.json()) as { choices?: { message: { content: string } }[] };
  return { status: response.status, content: body.choices?.[0]?.message.content, body };
}
