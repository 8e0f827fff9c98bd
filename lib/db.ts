import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

// One client per process; in dev, Next reloads modules, so keep it on globalThis
// (create-t3-app's db.ts shape).
const globalForPrisma: typeof globalThis & { prisma?: PrismaClient } = globalThis;

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 });
  return new PrismaClient({ adapter });
}

export function db(): PrismaClient {
  globalForPrisma.prisma ??= createClient();
  return globalForPrisma.prisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
}

// Server shutting down, restarting or starting up (57P01-57P03), or a connection failure (class 08).
const LOST_SQLSTATE = /^(57P0[1-3]|08)/;
// Prisma's codes for a catalog it cannot reach, lost mid-query, or has no free connection to.
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/**
 * True when a Prisma error means the catalog database is down or restarting (not a bad query),
 * so callers answer "try again" (503) instead of a 500.
 */
export function isCatalogUnavailable(error: unknown): boolean {
  if (!(error instanceof Error) || !error.name.startsWith("PrismaClient")) return false;
  const { code, errorCode, meta } = error as Error & {
    code?: string;
    errorCode?: string;
    meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } };
  };
  if (UNAVAILABLE_CODES.has(code ?? errorCode ?? "")) return true;
  const cause = meta?.driverAdapterError?.cause;
  if (UNAVAILABLE_KINDS.has(cause?.kind ?? "")) return true;
  if (cause?.kind === "postgres" && LOST_SQLSTATE.test(cause.code ?? "")) return true;
  return /Connection terminated|Can't reach database server/i.test(error.message);
}

const LOST_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

/** A database connection refused or lost (server down, restarting, network), from Prisma or pg. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isCatalogUnavailable(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (LOST_SQLSTATE.test(code) || LOST_ERRNO.has(code))) return true;
  return /Connection terminated|not queryable/i.test(error.message);
}

/** How long a finished job keeps trying to record its outcome while the catalog is down. */
export const CATALOG_WRITE_RETRY_MS = 120_000;

/**
 * Runs a catalog write, retrying every second while the catalog is unavailable (a restart or a
 * failover), so work that ended during an outage is still recorded once the catalog is back.
 * The write must be idempotent: an attempt may have committed before its connection broke.
 */
export async function retryWhileCatalogDown<T>(
  write: () => Promise<T>,
  forMs = CATALOG_WRITE_RETRY_MS,
): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!isCatalogUnavailable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
