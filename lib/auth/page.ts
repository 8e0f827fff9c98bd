import { cookies, headers } from "next/headers";
import { cache } from "react";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/auth/actor";
import { auditDenial } from "@/lib/auth/denials";
import { requestMeta } from "@/lib/auth/authenticate";
import { hasRole, type Role } from "@/lib/auth/roles";
import { actorFromSession, SESSION_COOKIE } from "@/lib/auth/sessions";

// Page-side checks for server components. Route handlers use lib/auth/authenticate instead.

/** Once per request, however many layouts and pages ask (React's cache()). */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value ? actorFromSession(value) : null;
});

/** The signed-in user, or a redirect to the login page. */
export async function requireUser(): Promise<Actor> {
  const actor = await getCurrentActor();
  if (!actor) redirect("/login");
  return actor;
}

/** For pages only an operator or admin may open: others are sent to the overview, and the attempt is audited. */
export async function requirePageRole(role: Role, page: string): Promise<Actor> {
  const actor = await requireUser();
  if (!hasRole(actor.role, role)) {
    await auditDenial(
      actor,
      {
        action: "page.open",
        target: { type: "page", id: page },
        details: { required: role, reason: page },
      },
      requestMeta({ method: "GET", headers: await headers() }),
    );
    redirect("/?denied=" + encodeURIComponent(page));
  }
  return actor;
}
