import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rlmFailure } from "../../test/failures.js";
import { DEFAULT_MODEL, DEFAULT_SUB_MODEL } from "./defaults.js";
import { resolveConfig } from "./resolve-config.js";

let directory: string;
let configPath: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "rlm-config-"));
  configPath = join(directory, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      model: "openai:gpt-5-mini",
      subModel: "openai:gpt-5-nano",
      allowModels: ["openai:gpt-5"],
      maxDepth: 2,
      limits: { maxIterations: 12, maxCostUsd: 0.5 },
      sandbox: { runtime: "process", command: ["python3"] },
      backends: { ollamaHost: "http://gpu-box:11434", openaiApiKey: "sk-from-file" },
      server: { port: 9000, apiKey: "file-key" },
    }),
  );
});

afterAll(() => rm(directory, { recursive: true, force: true }));

describe("resolveConfig", () => {
  it("uses the seed's defaults when nothing is set (and no file exists at the default path)", async () => {
    const config = await resolveConfig({}, { HOME: directory });
    expect(config).toMatchObject({
      model: DEFAULT_MODEL,
      subModel: DEFAULT_SUB_MODEL,
      origins: { model: "default", subModel: "default" },
      sandbox: { runtime: "pyodide" },
      configLoaded: false,
      configPath: join(directory, ".config", "rlm", "config.json"),
    });
  });

  it("reads the file, and lets the environment override it, and flags override both", async () => {
    const fromFile = await resolveConfig({}, { RLM_CONFIG: configPath });
    expect(fromFile).toMatchObject({
      model: "openai:gpt-5-mini",
      subModel: "openai:gpt-5-nano",
      maxDepth: 2,
      limits: { maxIterations: 12, maxCostUsd: 0.5 },
      sandbox: { runtime: "process", command: ["python3"] },
      server: { port: 9000, apiKey: "file-key" },
      origins: { model: "config file" },
    });
    expect(fromFile.environment.OLLAMA_HOST).toBe("http://gpu-box:11434");
    expect(fromFile.environment.OPENAI_API_KEY).toBe("sk-from-file");

    const environment = {
      RLM_CONFIG: configPath,
      RLM_MODEL: "ollama:llama3.2",
      OPENAI_API_KEY: "sk-from-env",
      RLM_SERVER_API_KEY: "env-key",
    };
    const fromEnvironment = await resolveConfig({}, environment);
    expect(fromEnvironment).toMatchObject({ model: "ollama:llama3.2", origins: { model: "environment" } });
    expect(fromEnvironment.environment.OPENAI_API_KEY).toBe("sk-from-env");
    expect(fromEnvironment.server.apiKey).toBe("env-key");

    const fromFlags = await resolveConfig(
      { model: "anthropic:claude-sonnet-4-5", maxIterations: 3, sandbox: "pyodide", apiKey: "flag-key" },
      environment,
    );
    expect(fromFlags).toMatchObject({
      model: "anthropic:claude-sonnet-4-5",
      origins: { model: "flag", subModel: "config file" },
      limits: { maxIterations: 3, maxCostUsd: 0.5 },
      sandbox: { runtime: "pyodide" },
      server: { apiKey: "flag-key" },
    });
  });

  it("uses the chosen root model for sub-calls when no sub-model is set", async () => {
    const config = await resolveConfig({ model: "openai:gpt-5-mini" }, { HOME: directory });
    expect(config).toMatchObject({ subModel: "openai:gpt-5-mini", origins: { subModel: "flag" } });
  });

  it("refuses bad JSON, unknown keys, wrong types and a named file that is missing", async () => {
    const broken = join(directory, "broken.json");
    await writeFile(broken, '{"model": "ollama:qwen3:4b",');
    expect(await rlmFailure(resolveConfig({ config: broken }, {}))).toMatch(
      /^invalid-config: .*broken\.json.*not JSON/,
    );
    const typo = join(directory, "typo.json");
    await writeFile(typo, JSON.stringify({ modle: "x", limits: { maxIterations: -1 } }));
    const message = await rlmFailure(resolveConfig({}, { RLM_CONFIG: typo }));
    expect(message).toMatch(/Unrecognized key\(s\) in object: 'modle'/);
    expect(message).toMatch(/limits\.maxIterations: Number must be greater than 0/);
    expect(await rlmFailure(resolveConfig({ config: join(directory, "missing.json") }, {}))).toMatch(
      /^config-not-found/,
    );
  });

  it("reads the input limit from RLM_MAX_INPUT_BYTES (bytes, or a size with a unit) and refuses nonsense", async () => {
    expect((await resolveConfig({}, { HOME: directory })).maxInputBytes).toBe(1024 ** 3);
    expect((await resolveConfig({}, { HOME: directory, RLM_MAX_INPUT_BYTES: "5000" })).maxInputBytes).toBe(
      5000,
    );
    expect((await resolveConfig({}, { HOME: directory, RLM_MAX_INPUT_BYTES: "64M" })).maxInputBytes).toBe(
      64 * 1024 ** 2,
    );
    expect((await resolveConfig({}, { HOME: directory, RLM_MAX_INPUT_BYTES: "1.5GiB" })).maxInputBytes).toBe(
      1.5 * 1024 ** 3,
    );
    for (const bad of ["lots", "0", "-5", "12Q"]) {
      expect(await rlmFailure(resolveConfig({}, { HOME: directory, RLM_MAX_INPUT_BYTES: bad }))).toBe(
        `invalid-config: RLM_MAX_INPUT_BYTES must be a size in bytes, got "${bad}".`,
      );
    }
  });

  it("takes limits.finalAnswerGraceMs from the file, a flag overriding it", async () => {
    const graceFile = join(directory, "grace.json");
    await writeFile(graceFile, JSON.stringify({ limits: { timeoutMs: 5000, finalAnswerGraceMs: 2000 } }));
    expect((await resolveConfig({}, { RLM_CONFIG: graceFile })).limits).toEqual({
      timeoutMs: 5000,
      finalAnswerGraceMs: 2000,
    });
    expect((await resolveConfig({ finalAnswerGraceMs: 700 }, { RLM_CONFIG: graceFile })).limits).toEqual({
      timeoutMs: 5000,
      finalAnswerGraceMs: 700,
    });
  });

  it("adds --allow-model specs to the config file's allowModels, and passes them on as allowedSubModels", async () => {
    const config = await resolveConfig({ config: configPath, allowModels: ["ollama:qwen3:8b"] }, {});
    expect(config.allowModels).toEqual(["openai:gpt-5", "ollama:qwen3:8b"]);
    const { rlmOptionsFrom } = await import("../cli/rlm-options.js");
    expect(rlmOptionsFrom(config).allowedSubModels).toEqual(["openai:gpt-5", "ollama:qwen3:8b"]);
    const none = await resolveConfig({}, { HOME: directory });
    expect(none.allowModels).toEqual([]);
    expect(rlmOptionsFrom(none).allowedSubModels).toBeUndefined();
  });
});
