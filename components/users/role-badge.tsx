import type { Role } from "@/lib/schemas/roles";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const tone: Record<Role, BadgeTone> = { viewer: "neutral", operator: "info", admin: "accent" };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={tone[role]}>{role}</Badge>;
}
