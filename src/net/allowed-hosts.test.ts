import { describe, expect, it } from "vitest";
import { allowedHostHeaders, hostAllowed, isLoopbackHost } from "./allowed-hosts.js";

/** The Host rules shared by `rlm serve` and `rlm view` (both also test them over real HTTP). */

describe("allowed Host headers", () => {
  it("answers loopback names on a loopback bind, with the port", () => {
    const allowed = allowedHostHeaders(["127.0.0.1"], 8080);
    for (const host of ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"])
      expect(hostAllowed(allowed, host)).toBe(true);
    for (const host of ["localhost:8081", "localhost", "attacker.example:8080", "", undefined])
      expect(hostAllowed(allowed, host)).toBe(false);
  });

  it("answers only the bound name on a non-loopback bind, and anything on a wildcard bind", () => {
    const allowed = allowedHostHeaders(["192.168.1.5"], 8080);
    expect(hostAllowed(allowed, "192.168.1.5:8080")).toBe(true);
    expect(hostAllowed(allowed, "localhost:8080")).toBe(false);
    expect(hostAllowed(allowedHostHeaders(["fe80::1"], 9), "[fe80::1]:9")).toBe(true);
    expect(allowedHostHeaders(["0.0.0.0"], 8080)).toBe("any");
    expect(allowedHostHeaders(["::"], 8080)).toBe("any");
  });

  it("accepts a bare name on port 80, as browsers send it", () => {
    expect(hostAllowed(allowedHostHeaders(["localhost"], 80), "localhost")).toBe(true);
  });

  it("tells loopback from other addresses", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "example.com", "128.0.0.1"])
      expect(isLoopbackHost(host)).toBe(false);
  });
});
