import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { UserSummary } from "@/lib/schemas/user";

type UserRow = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  disabledAt: Date | null;
  createdAt: Date;
};

export function toUserSummary(user: UserRow): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

export async function listUsers(): Promise<UserSummary[]> {
  const users = await db().user.findMany({ orderBy: { email: "asc" } });
  return users.map(toUserSummary);
}
