import { z } from "zod";
import { audit } from "@/lib/auth/audit";
import { setLocaleCookie } from "@/lib/auth/locale-cookie";
import { db } from "@/lib/db";
import { json, readJson, withRoute } from "@/lib/route";

// GET /api/v1/me — who the caller is (email, role, session or token)
export const GET = withRoute({ role: "viewer", action: "me.read" }, async ({ actor }) => ({
  email: actor.email,
  role: actor.role,
  kind: actor.kind,
}));

const meUpdateSchema = z.strictObject({
  locale: z.enum(["en", "ko"], { error: "must be en, ko or null" }).nullable(),
});

// PATCH /api/v1/me {locale: "en"|"ko"|null} — the caller's console language, kept for the next
// sign-in and set as the walden_locale cookie now (null: the browser's language again)
export const PATCH = withRoute({ role: "viewer", action: "me.update" }, async ({ req, actor, meta }) => {
  const { locale } = meUpdateSchema.parse(await readJson(req));
  const before = await db().user.findUnique({ where: { id: actor.userId }, select: { locale: true } });
  await db().user.update({ where: { id: actor.userId }, data: { locale } });
  await audit(
    actor,
    {
      action: "user.update",
      outcome: "success",
      target: { type: "user", id: actor.userId },
      details: { source: "self", localeBefore: before?.locale ?? null, locale },
    },
    meta,
  );
  const response = json({ email: actor.email, role: actor.role, kind: actor.kind, locale });
  setLocaleCookie(response, locale);
  return response;
});
