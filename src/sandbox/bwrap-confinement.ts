/**
 * What both runtimes' bubblewrap commands share: new user, network, PID, IPC and UTS namespaces
 * (no network at all, loopback included), running as nobody with no capabilities (as root, bwrap
 * would keep every capability inside: enough to remount /usr writable), death with the host, and a
 * read-only /usr with the root's links into it (Debian's merged /usr reaches the loader and the
 * libraries through /lib, /lib64, /bin). Each runtime adds its own binds, then `READ_ONLY_ROOT`.
 */
import { existsSync, lstatSync } from "node:fs";

export function bwrapConfinement(): string[] {
  return [
    "bwrap",
    "--unshare-all",
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--new-session",
    "--ro-bind",
    "/usr",
    "/usr",
    ...rootLinks(),
  ];
}

/**
 * bwrap's root and /dev are tmpfs the sandbox user may write to, with no size limit: made
 * read-only last, once every mount point on them exists (neither is remounted recursively).
 */
export const READ_ONLY_ROOT = ["--remount-ro", "/dev", "--remount-ro", "/"] as const;

/** The root's entries that are links into /usr are linked again inside; real directories bound. */
function rootLinks(): string[] {
  const links: string[] = [];
  for (const name of ["lib", "lib64", "lib32", "bin", "sbin"]) {
    const path = `/${name}`;
    if (!existsSync(path)) continue;
    if (lstatSync(path).isSymbolicLink()) links.push("--symlink", `usr/${name}`, path);
    else links.push("--ro-bind", path, path);
  }
  return links;
}
