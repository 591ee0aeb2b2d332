/**
 * A small static server for the viewer: the page, its compiled module, and one trajectory at
 * `/trace.jsonl`, read afresh on each request so reloading shows a run that is still being written.
 * With a second file it serves that at `/compare.jsonl` (the page compares the two); given a folder,
 * it serves the folder's listing at `/list.json` and each trajectory in it at `/files/NAME`.
 * It listens on 127.0.0.1 by default and answers only requests addressed to it by name (a Host
 * check), so a web page elsewhere cannot read the trajectory through DNS rebinding.
 */

import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, extname, join, resolve } from "node:path";
import { RlmError } from "../errors/index.js";
import { allowedHostHeaders, hostAllowed } from "../net/allowed-hosts.js";
import { readTrajectory } from "../trace/index.js";
import { listTrajectories, TRAJECTORY_FILE } from "./list-trajectories.js";
import { findViewerFiles, type ViewerFiles } from "./viewer-files.js";

export interface ViewerOptions {
  /** A trajectory file, or a folder of them (the page then lists them). */
  tracePath: string;
  /** A second trajectory, compared with the first side by side. */
  comparePath?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the page files are; found next to this module when left out. */
  files?: Partial<ViewerFiles>;
}

export interface RunningViewer {
  /** The page, already pointed at the trajectory (or the comparison, or the folder's list). */
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
};

const PAGE_MODULE = /^\/page\/[a-z0-9-]+\.js(\.map)?$/;
/** Modules the page shares with node (`src/trace/split-runs.ts`, `src/replay/compare-runs.ts`); compiled beside the page. */
const SHARED_MODULE = /^\/(trace\/split-runs|replay\/compare-runs)\.js(\.map)?$/;

export async function startViewer(options: ViewerOptions): Promise<RunningViewer> {
  const tracePath = resolve(options.tracePath);
  const comparePath = options.comparePath === undefined ? undefined : resolve(options.comparePath);
  // A missing path is left to readTrajectory, whose error says so with a hint.
  const isFolder = await stat(tracePath).then(
    (found) => found.isDirectory(),
    () => false,
  );
  const directory = isFolder ? tracePath : undefined;
  // Fail here, with the line number, rather than with an error page in the browser.
  if (directory === undefined) await readTrajectory(tracePath);
  if (comparePath !== undefined) await readTrajectory(comparePath);
  const served: Served = { tracePath, comparePath, directory };
  const files = findViewerFiles(options.files);
  const host = options.host ?? "127.0.0.1";
  // Empty until the port is known: nothing is answered before then.
  let allowedHosts: ReadonlySet<string> | "any" = new Set();
  const server = createServer((request, response) => {
    void answer(request, response, files, served, allowedHosts).catch((error: unknown) => {
      send(response, 500, "text/plain; charset=utf-8", `Cannot serve ${request.url}: ${String(error)}`);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => fail(listenError(error, host, options.port ?? 0)));
    server.listen(options.port ?? 0, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = allowedHostHeaders([host], port);
  const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${shownHost}:${port}/?${pageQuery(served)}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

interface Served {
  tracePath: string;
  comparePath: string | undefined;
  directory: string | undefined;
}

/** What the page is asked to show; `name`s are the real file names, shown in its header. */
function pageQuery(served: Served): string {
  const query = new URLSearchParams();
  if (served.directory !== undefined) {
    query.set("list", "list.json");
    query.set("name", basename(served.directory));
  } else {
    query.set("trace", "trace.jsonl");
    query.set("name", basename(served.tracePath));
  }
  if (served.comparePath !== undefined) {
    query.set("compare", "compare.jsonl");
    query.set("compare-name", basename(served.comparePath));
  }
  return query.toString();
}

/** The file behind a trajectory's path on the server, if it is one. */
function trajectoryFile(path: string, served: Served): string | undefined {
  if (served.directory === undefined) {
    if (path === "/trace.jsonl") return served.tracePath;
  } else if (path.startsWith("/files/")) {
    const name = decodeURIComponent(path.slice("/files/".length));
    return TRAJECTORY_FILE.test(name) ? join(served.directory, name) : undefined;
  }
  return path === "/compare.jsonl" ? served.comparePath : undefined;
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  files: ViewerFiles,
  served: Served,
  allowedHosts: ReadonlySet<string> | "any",
): Promise<void> {
  if (!hostAllowed(allowedHosts, request.headers.host)) {
    return send(response, 421, "text/plain; charset=utf-8", "This viewer answers only on its own address.");
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return send(response, 405, "text/plain; charset=utf-8", "The viewer only serves files (GET).");
  }
  const path = new URL(request.url ?? "/", "http://viewer").pathname;
  // Browsers ask for an icon on their own; there is none, and that is not an error.
  if (path === "/favicon.ico") return send(response, 204, "text/plain; charset=utf-8", undefined);
  if (path === "/list.json" && served.directory !== undefined) {
    const list = JSON.stringify(await listTrajectories(served.directory));
    return send(response, 200, "application/json; charset=utf-8", list, request.method === "HEAD");
  }
  const trajectory = trajectoryFile(path, served);
  const file =
    path === "/" || path === "/index.html"
      ? join(files.staticDirectory, "index.html")
      : path === "/style.css"
        ? join(files.staticDirectory, "style.css")
        : trajectory !== undefined
          ? trajectory
          : PAGE_MODULE.test(path)
            ? join(files.pageDirectory, path.slice("/page/".length))
            : SHARED_MODULE.test(path)
              ? join(files.pageDirectory, "..", "..", path.slice(1))
              : undefined;
  if (!file) return send(response, 404, "text/plain; charset=utf-8", `No ${path} here.`);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return send(response, 404, "text/plain; charset=utf-8", `No ${path} here.`);
  }
  const type = CONTENT_TYPES[extname(file)] ?? "text/plain; charset=utf-8";
  send(
    response,
    200,
    trajectory !== undefined ? CONTENT_TYPES[".jsonl"]! : type,
    body,
    request.method === "HEAD",
  );
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer | undefined,
  headOnly = false,
): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, {
    "content-type": type,
    ...(body === undefined ? {} : { "content-length": Buffer.byteLength(body) }),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' http: https:; base-uri 'none'; form-action 'none'",
  });
  response.end(headOnly ? undefined : body);
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): RlmError {
  const busy = error.code === "EADDRINUSE";
  return new RlmError(
    "viewer-listen-failed",
    `The viewer cannot listen on ${host}:${port} (${error.code ?? error.message}).`,
    {
      hint: busy
        ? "Pick another port, or leave the port out to use any free one."
        : "Check the host address.",
      cause: error,
    },
  );
}
