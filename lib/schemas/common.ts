import { z } from "zod";

// Field validators shared by every form and endpoint. They exist so that nothing a user
// types can become a conninfo string, a shell word or a path outside Walden's folders.

/** Cluster and node names: they appear in paths, metrics labels and URLs. */
export const slugSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(63, "must be at most 63 characters")
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "use lowercase letters, digits and '-' (not at the start or end)",
  );

const hostnameLabel = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostname(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.replace(/\.$/, "").split(".");
  return labels.length > 0 && labels.every((label) => hostnameLabel.test(label));
}

// zod's IP checks rather than node:net, so this module also runs in the browser (form validation).
const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
export const isIpAddress = (value: string) => ipv4.safeParse(value).success || ipv6.safeParse(value).success;

export const hostSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .refine(
    (value) => isIpAddress(value) || isHostname(value),
    "must be a hostname or an IP address (no spaces, '=' or URLs)",
  );

export const portSchema = z
  .number({ error: "must be a whole number from 1 to 65535" })
  .int("must be a whole number from 1 to 65535")
  .min(1, "must be from 1 to 65535")
  .max(65535, "must be from 1 to 65535");

/** PostgreSQL role and database names Walden accepts: identifier-like, so they never need quoting tricks. */
export const pgNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(63, "must be at most 63 characters (PostgreSQL's limit)")
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$-]*$/,
    "use letters, digits, '_', '$' or '-', starting with a letter or '_' (no spaces or '=')",
  );

export const passwordSchema = z
  .string()
  .max(1024, "must be at most 1024 characters")
  .refine((value) => !/[\0\r\n]/.test(value), "must not contain NUL or line breaks");

/** An absolute path with no '..' segments and no control characters. */
export const absolutePathSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(1024, "is too long")
  .refine((value) => value.startsWith("/"), "must be an absolute path")
  .refine((value) => !value.split("/").includes(".."), "must not contain '..'")
  .refine((value) => !/[\0-\x1f]/.test(value), "must not contain control characters");

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be an email address"));

export const uuidSchema = z.uuid("must be an id (uuid)");

/** A PostgreSQL LSN, "16/B374D848": two hexadecimal numbers of up to 8 digits (lib/replication/lsn.ts reads it). */
export const LSN_PATTERN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;
