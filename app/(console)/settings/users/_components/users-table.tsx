"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { roles, type Role } from "@/lib/schemas/roles";
import { useUpdateUser } from "@/lib/client/use-users";
import type { UserSummary, UserUpdateInput } from "@/lib/schemas/user";

export function UsersTable({ users, currentUserId }: { users: UserSummary[]; currentUserId: string }) {
  const t = useTranslations("settings.users.table");
  return (
    <Table aria-label={t("label")}>
      <THead>
        <tr>
          <TH>{t("email")}</TH>
          <TH>{t("name")}</TH>
          <TH>{t("role")}</TH>
          <TH>{t("status")}</TH>
          <TH>{t("created")}</TH>
          <TH>
            <span className="sr-only">{t("actions")}</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {users.map((user) => (
          <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} />
        ))}
      </TBody>
    </Table>
  );
}

/** Changes apply at once; your own row is read-only so an admin cannot lock themselves out. */
function UserRow({ user, isSelf }: { user: UserSummary; isSelf: boolean }) {
  const router = useRouter();
  const t = useTranslations("settings.users.table");
  const roleName = useTranslations("shell.roles");
  const update = useUpdateUser();
  const [refreshing, startRefresh] = useTransition();
  const pending = update.isPending || refreshing;
  const shown = pending && update.variables ? { ...user, ...update.variables.input } : user;

  const save = (input: UserUpdateInput) =>
    update.mutate({ id: user.id, input }, { onSuccess: () => startRefresh(() => router.refresh()) });

  return (
    <TR className={shown.disabled ? "bg-zinc-50/60" : undefined}>
      <TD className="font-medium">
        {user.email}
        {isSelf ? <span className="ml-1.5 text-xs font-normal text-zinc-500">{t("you")}</span> : null}
      </TD>
      <TD>{user.name ?? <span className="text-zinc-400">—</span>}</TD>
      <TD>
        <Select
          aria-label={t("roleOf", { email: user.email })}
          className="h-7 w-32 text-xs"
          value={shown.role}
          disabled={isSelf || pending}
          title={isSelf ? t("ownRole") : undefined}
          onChange={(event) => save({ role: event.target.value as Role })}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {roleName(role)}
            </option>
          ))}
        </Select>
      </TD>
      <TD>
        {shown.disabled ? (
          <Badge tone="danger">{t("disabled")}</Badge>
        ) : (
          <Badge tone="success">{t("active")}</Badge>
        )}
      </TD>
      <TD>
        <Time value={user.createdAt} />
      </TD>
      <TD className="text-right">
        {update.isError ? (
          <span role="alert" className="mr-2 text-xs text-red-600">
            {update.error.message}
          </span>
        ) : null}
        {isSelf ? null : (
          <Button
            size="sm"
            variant={shown.disabled ? "secondary" : "ghost"}
            disabled={pending}
            onClick={() => save({ disabled: !shown.disabled })}
          >
            {shown.disabled ? t("enable") : t("disable")}
          </Button>
        )}
      </TD>
    </TR>
  );
}
