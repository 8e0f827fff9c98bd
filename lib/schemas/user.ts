import { z } from "zod";
import { emailSchema } from "@/lib/schemas/common";

/** viewer < operator < admin (lib/schemas/roles.ts ranks them). */
export const roleSchema = z.enum(["viewer", "operator", "admin"], {
  error: "must be viewer, operator or admin",
});
export type Role = z.infer<typeof roleSchema>;

export const newPasswordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");

export const loginSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, "is required").max(256),
});

export const userCreateSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().max(100).optional(),
  role: roleSchema,
  password: newPasswordSchema,
});
export type UserCreateInput = z.infer<typeof userCreateSchema>;

export const userUpdateSchema = z.strictObject({
  name: z.string().trim().max(100).optional(),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: newPasswordSchema.optional(),
});
export type UserUpdateInput = z.infer<typeof userUpdateSchema>;

export const tokenCreateSchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  role: roleSchema,
  /** Admins may issue a token for another user; others only for themselves. */
  userId: z.uuid().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type TokenCreateInput = z.infer<typeof tokenCreateSchema>;

export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  user: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface AuditEventSummary {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: unknown;
  ip: string | null;
}
