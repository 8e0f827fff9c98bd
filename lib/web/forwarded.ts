import { BlockList, isIP } from "node:net";

// X-Forwarded-* headers are only as true as whoever sent them. Walden's own server (server.ts)
// rewrites them before Next sees a request: from a configured proxy they are followed, from
// anyone else they are dropped and replaced by what the socket says. Route handlers then read
// one client address they can trust (sign-in throttling, audit rows).

const FORWARDED_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
];

/** `::ffff:10.0.0.1` is how Node reports an IPv4 peer on a dual-stack socket. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * Parses WALDEN_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges
 * ("127.0.0.1, 10.0.0.0/8, fd00::/8"). Throws with the entry named when one is not an address.
 */
export function parseTrustedProxies(setting: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (setting ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new Error(
        `WALDEN_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`,
      );
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

export interface ForwardingFacts {
  /** The socket's peer: the client itself, or the proxy in front of Walden. */
  peer: string;
  /** Whether the socket is TLS (Walden serving HTTPS itself). */
  encrypted: boolean;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The headers Next should see: the client address in X-Forwarded-For (one address), and
 * X-Forwarded-Proto/Host kept only when a trusted proxy sent them.
 */
export function rewriteForwardedHeaders(
  facts: ForwardingFacts,
  trusted: BlockList,
): { clientAddress: string; set: Record<string, string>; remove: string[] } {
  const peer = normalizeAddress(facts.peer);
  const header = (name: string) => {
    const value = facts.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  let clientAddress = peer;
  const set: Record<string, string> = {};
  if (isTrusted(trusted, peer)) {
    // Walk the chain from the nearest hop outwards; the first address no trusted proxy vouches
    // for is the client (the leftmost entries can be written by anyone).
    const chain = (header("x-forwarded-for") ?? "").split(",").map(normalizeAddress).filter(Boolean);
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = chain[i]!;
      clientAddress = hop;
      if (!isTrusted(trusted, hop)) break;
    }
    const proto = header("x-forwarded-proto")?.split(",")[0]?.trim();
    const host = header("x-forwarded-host")?.split(",")[0]?.trim();
    set["x-forwarded-proto"] =
      proto === "https" || proto === "http" ? proto : facts.encrypted ? "https" : "http";
    if (host) set["x-forwarded-host"] = host;
  } else {
    set["x-forwarded-proto"] = facts.encrypted ? "https" : "http";
  }
  set["x-forwarded-for"] = isIP(clientAddress) ? clientAddress : peer;
  const remove = FORWARDED_HEADERS.filter((name) => !(name in set));
  return { clientAddress: set["x-forwarded-for"], set, remove };
}
