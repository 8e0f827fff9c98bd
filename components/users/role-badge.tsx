import { useTranslations } from "next-intl";
import type { Role } from "@/lib/schemas/roles";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const tone: Record<Role, BadgeTone> = { viewer: "neutral", operator: "info", admin: "accent" };

/** The role's name in the page's language (works in server and client components). */
export function RoleBadge({ role }: { role: Role }) {
  const t = useTranslations("shell.roles");
  return <Badge tone={tone[role]}>{t(role)}</Badge>;
}
