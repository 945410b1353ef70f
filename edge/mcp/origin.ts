/**
 * @module DNS-rebinding protection for /mcp: the Host header, and the Origin header when a browser sends one,
 * must name an allowed host. `localhost` in the list stands for localhost, 127.0.0.1 and [::1] on any port;
 * `*` turns the check off (a deployment behind a proxy that checks hosts itself).
 */

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]", "::1"];

export type HostCheck = (headers: Headers) => string | undefined;

/** A check returning the reason a request is refused, or undefined when it may pass. */
export function hostCheck(allowed: string[]): HostCheck {
  if (allowed.includes("*")) return () => undefined;
  const hosts = new Set<string>();
  for (const entry of allowed) {
    if (entry === "localhost") LOOPBACK.forEach((h) => hosts.add(h));
    else hosts.add(hostnameOf(entry.includes("://") ? entry : `http://${entry}`) ?? entry.toLowerCase());
  }
  return (headers) => {
    const host = headers.get("host");
    if (host && !hosts.has(hostnameOf(`http://${host}`) ?? "")) return `Host "${host}" is not allowed`;
    const origin = headers.get("origin");
    if (origin && origin !== "null" && !hosts.has(hostnameOf(origin) ?? "")) {
      return `Origin "${origin}" is not allowed`;
    }
    if (origin === "null") return 'Origin "null" is not allowed';
    return undefined;
  };
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
