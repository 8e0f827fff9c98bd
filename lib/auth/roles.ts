// viewer < operator < admin. A pure module: safe in the browser (to hide buttons) and
// on the server (where the real check happens, inside every handler).
import { roleSchema, type Role } from "@/lib/schemas/user";

export type { Role };
export const roles = roleSchema.options;

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(actual: Role, required: Role): boolean {
  return rank[actual] >= rank[required];
}

/** A token never grants more than its owner currently has. */
export function lowerRole(a: Role, b: Role): Role {
  return rank[a] <= rank[b] ? a : b;
}
