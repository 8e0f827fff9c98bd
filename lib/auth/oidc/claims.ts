import { hasRole, type Role } from "@/lib/schemas/roles";
import type { RoleMapping } from "@/lib/schemas/oidc";

// What Walden reads from a signed-in person's claims: their email and, through the admin's
// mapping, their role. Pure, so the rules are tested without a provider.

export type Claims = Record<string, unknown>;

/** The claim at `path`; dots walk into objects ("realm_access.roles"), as Keycloak nests roles. */
export function claimAt(claims: Claims, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A claim's values as strings: one string, or the strings of a list (groups); numbers and booleans are not matched. */
export function claimValues(claims: Claims, path: string): string[] {
  const value = claimAt(claims, path);
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** The highest role any of the claim's values maps to (someone in two groups gets the stronger one); null when none matches. */
export function mappedRole(claims: Claims, path: string, mappings: readonly RoleMapping[]): Role | null {
  const values = new Set(claimValues(claims, path));
  let role: Role | null = null;
  for (const mapping of mappings) {
    if (values.has(mapping.value) && (role === null || !hasRole(role, mapping.role))) role = mapping.role;
  }
  return role;
}

/** The `email` claim, lowercased like every Walden login; undefined when missing or not an email. */
export function claimedEmail(claims: Claims): string | undefined {
  const email = claims.email;
  if (typeof email !== "string") return undefined;
  const normalized = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(normalized) ? normalized : undefined;
}
