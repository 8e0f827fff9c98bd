import { roleSchema, type Role } from "@/lib/schemas/user";

// viewer < operator < admin. Pure: the browser uses it to hide buttons, the server for the real
// check inside every handler (lib/auth/roles.ts re-exports it).

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
