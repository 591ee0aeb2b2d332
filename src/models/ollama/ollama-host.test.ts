import { describe, expect, it } from "vitest";
import { normalizeOllamaHost, ollamaHosts } from "./ollama-host.js";

describe("OLLAMA_HOST", () => {
  it("defaults to the local server", () => {
    expect(ollamaHosts({})).toEqual(["http://127.0.0.1:11434"]);
  });

  it("reads hosts the way Ollama's clients do: scheme http, port 11434 (443 for https)", () => {
    expect(normalizeOllamaHost("0.0.0.0")).toBe("http://0.0.0.0:11434");
    expect(normalizeOllamaHost("gpu1:8080")).toBe("http://gpu1:8080");
    expect(normalizeOllamaHost("https://ollama.example.com/")).toBe("https://ollama.example.com:443");
  });

  it("lists a fleet given comma-separated", () => {
    expect(ollamaHosts({ OLLAMA_HOST: "http://gpu1:11434, gpu2" })).toEqual([
      "http://gpu1:11434",
      "http://gpu2:11434",
    ]);
  });

  it("rejects an entry that is not a host, saying how to write it", () => {
    expect(() => normalizeOllamaHost("http://")).toThrowError(
      expect.objectContaining({ code: "invalid-config" }),
    );
  });
});
