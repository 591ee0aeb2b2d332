import { RlmError } from "../errors/index.js";
import { isLoopbackHost } from "../net/allowed-hosts.js";

/**
 * A server on an address other machines can reach must have an API key: without one, anyone on
 * the network could spend the backend's money and run code in the sandbox through it. Checked by
 * `listen` and, earlier (before the backend check), by `rlm serve`. `insecureNoKey` is the explicit
 * way out, for a network the operator trusts.
 */
export function checkBindPolicy(
  host: string,
  options: { apiKey?: string | undefined; insecureNoKey?: boolean | undefined },
): void {
  if (options.apiKey || options.insecureNoKey || isLoopbackHost(host)) return;
  // "config-": the CLI exits with its usage code, as for any other configuration mistake.
  throw new RlmError(
    "config-insecure-bind",
    `Refusing to listen on ${host} without an API key: anyone who can reach that address could run models, and code in the sandbox, through this server.`,
    {
      hint: "Set a key with --api-key or RLM_SERVER_API_KEY (e.g. `openssl rand -hex 24`), or listen on 127.0.0.1; pass --insecure-no-key only on a network you trust.",
    },
  );
}
