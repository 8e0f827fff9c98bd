import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { forgetCachedCredentials } from "@/lib/auth/credential-cache";
import { hashPassword } from "@/lib/auth/password";
import { hasRole, type Role } from "@/lib/auth/roles";
import { generateApiToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import type {
  TokenCreateInput,
  TokenSummary,
  UserCreateInput,
  UserSummary,
  UserUpdateInput,
} from "@/lib/schemas/user";
import { toUserSummary } from "@/lib/users/queries";
import { toTokenSummary } from "@/lib/users/tokens-queries";

export async function createUser(
  actor: Actor,
  input: UserCreateInput,
  meta: RequestMeta,
): Promise<UserSummary> {
  if (await db().user.findUnique({ where: { email: input.email } })) {
    throw appError("conflict", "users.emailTaken", { email: input.email }, { field: "email" });
  }
  const user = await db().user.create({
    data: {
      email: input.email,
      name: input.name || null,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    },
  });
  await audit(
    actor,
    { action: "user.create", outcome: "success", target: { type: "user", id: user.id }, details: { input } },
    meta,
  );
  return toUserSummary(user);
}

export async function updateUser(
  actor: Actor,
  id: string,
  input: UserUpdateInput,
  meta: RequestMeta,
): Promise<UserSummary> {
  const user = await db().user.findUnique({ where: { id } });
  if (!user) throw appError("not_found", "users.noUser", { id });
  // An admin who demotes or disables themselves could leave nobody able to undo it.
  if (user.id === actor.userId && ((input.role && input.role !== "admin") || input.disabled)) {
    throw appError(
      "unprocessable_entity",
      "users.notYourself",
      {},
      {
        field: input.role ? "role" : "disabled",
      },
    );
  }
  const updated = await db().user.update({
    where: { id },
    data: {
      name: input.name,
      role: input.role,
      disabledAt: input.disabled === undefined ? undefined : input.disabled ? new Date() : null,
      passwordHash: input.password ? await hashPassword(input.password) : undefined,
    },
  });
  if (input.disabled || input.password) await db().session.deleteMany({ where: { userId: id } });
  forgetCachedCredentials(); // a new role, a disabled account: believed at once, not in 5 s
  await audit(
    actor,
    { action: "user.update", outcome: "success", target: { type: "user", id }, details: { input } },
    meta,
  );
  return toUserSummary(updated);
}

/** Returns the token in clear text: the only time it is ever available. */
export async function createApiToken(
  actor: Actor,
  input: TokenCreateInput,
  meta: RequestMeta,
): Promise<TokenSummary & { token: string }> {
  const ownerId = input.userId ?? actor.userId;
  const owner = await db().user.findUnique({ where: { id: ownerId } });
  if (!owner) throw appError("unprocessable_entity", "users.noUser", { id: ownerId }, { field: "userId" });
  if (!hasRole(owner.role as Role, input.role)) {
    throw appError(
      "unprocessable_entity",
      "users.tokenAboveOwner",
      { email: owner.email, role: owner.role },
      {
        field: "role",
      },
    );
  }
  const { token, prefix, hash } = generateApiToken();
  const row = await db().apiToken.create({
    data: {
      name: input.name,
      prefix,
      tokenHash: hash,
      userId: owner.id,
      role: input.role,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    },
    include: { user: { select: { id: true, email: true } } },
  });
  await audit(
    actor,
    {
      action: "token.create",
      outcome: "success",
      target: { type: "api_token", id: row.id },
      details: { input },
    },
    meta,
  );
  return { ...toTokenSummary(row), token };
}

export async function revokeApiToken(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  const token = await db().apiToken.findUnique({ where: { id } });
  if (!token) throw appError("not_found", "users.noToken", { id });
  if (!token.revokedAt) await db().apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  forgetCachedCredentials();
  await audit(
    actor,
    {
      action: "token.revoke",
      outcome: "success",
      target: { type: "api_token", id },
      details: { name: token.name },
    },
    meta,
  );
}
