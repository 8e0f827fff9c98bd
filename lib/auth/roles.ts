// viewer < operator < admin: the pure names and checks live in lib/schemas/roles.ts, so browser
// code takes them from there; server code may keep importing them from here.
export { hasRole, lowerRole, roles, type Role } from "@/lib/schemas/roles";
