import { isIPv4, isIPv6 } from "node:net";

/**
 * The `Host` rules of the two HTTP servers on this machine's addresses (`rlm serve`, `rlm view`):
 * a browser page on another site can make its own domain resolve to 127.0.0.1 (DNS rebinding) and
 * then read or drive a local server as "same origin". Its requests still carry that domain in
 * `Host`, so a server that answers only the names it is bound under is out of reach. One module so
 * both servers apply the same rule.
 */

/** True for names and addresses of this machine's loopback interface. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIPv4(name)) return name.startsWith("127.");
  if (isIPv6(name)) return name === "::1" || /^::ffff:127\./.test(name);
  return false;
}

/** True for the addresses that mean "every interface". */
export function isWildcardHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, "$1");
  return name === "" || name === "0.0.0.0" || name === "::";
}

/**
 * The `Host` header values a server bound to `hosts` on `port` answers: the bound names, plus
 * `localhost`, `127.0.0.1` and `[::1]` when a bound address is loopback; "any" when bound to every
 * interface, where the server cannot know the names it is reached by (container port mappings,
 * LAN names, proxies): there the API key that `rlm serve` requires on such an address is the
 * defence, as a rebinding page cannot send it. Port 80 is also accepted bare, as browsers leave it out.
 */
export function allowedHostHeaders(hosts: string[], port: number): ReadonlySet<string> | "any" {
  if (hosts.some(isWildcardHost)) return "any";
  const names = new Set<string>();
  for (const host of hosts) {
    const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    names.add(isIPv6(name) ? `[${name}]` : name);
    if (isLoopbackHost(name)) for (const loopback of ["localhost", "127.0.0.1", "[::1]"]) names.add(loopback);
  }
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80) allowed.add(name);
  }
  return allowed;
}

/** Whether a request's `Host` header is one the server answers. */
export function hostAllowed(allowed: ReadonlySet<string> | "any", header: string | undefined): boolean {
  return allowed === "any" || allowed.has((header ?? "").toLowerCase());
}
