"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { RoleBadge } from "@/components/users/role-badge";
import { errorMessage } from "@/lib/client/fetcher";
import { useRevokeToken } from "@/lib/client/use-tokens";
import type { TokenSummary } from "@/lib/schemas/user";
import { tokenStatus } from "./token-status";

const statusTone = { active: "success", revoked: "danger", expired: "warning" } as const;

export function TokensTable({ tokens }: { tokens: TokenSummary[] }) {
  const router = useRouter();
  const t = useTranslations("settings.tokens.table");
  const revoke = useRevokeToken();
  const [refreshing, startRefresh] = useTransition();
  const [target, setTarget] = useState<TokenSummary | null>(null);

  const close = () => {
    if (revoke.isPending || refreshing) return;
    setTarget(null);
    revoke.reset();
  };

  if (tokens.length === 0) {
    return <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState>;
  }

  return (
    <>
      <Table aria-label={t("label")}>
        <THead>
          <tr>
            <TH>{t("name")}</TH>
            <TH>{t("prefix")}</TH>
            <TH>{t("owner")}</TH>
            <TH>{t("role")}</TH>
            <TH>{t("created")}</TH>
            <TH>{t("lastUsed")}</TH>
            <TH>{t("expires")}</TH>
            <TH>{t("status")}</TH>
            <TH>
              <span className="sr-only">{t("actions")}</span>
            </TH>
          </tr>
        </THead>
        <TBody>
          {tokens.map((token) => {
            const status = tokenStatus(token);
            return (
              <TR key={token.id} className={status === "active" ? undefined : "text-zinc-500"}>
                <TD className="font-medium">{token.name}</TD>
                <TD>
                  <code className="text-[13px]">{token.prefix}…</code>
                </TD>
                <TD>{token.user.email}</TD>
                <TD>
                  <RoleBadge role={token.role} />
                </TD>
                <TD>
                  <Time value={token.createdAt} />
                </TD>
                <TD>
                  <Time value={token.lastUsedAt} empty={t("never")} />
                </TD>
                <TD>
                  <Time value={token.expiresAt} empty={t("never")} />
                </TD>
                <TD>
                  <Badge tone={statusTone[status]}>{t(status)}</Badge>
                </TD>
                <TD className="text-right">
                  {token.revoked ? null : (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => setTarget(token)}
                    >
                      {t("revoke")}
                    </Button>
                  )}
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
      <Dialog
        open={target !== null}
        onClose={close}
        title={t("revokeTitle", { name: target?.name ?? "" })}
        description={t("revokeDescription")}
      >
        {revoke.isError ? (
          <Alert tone="error" className="mb-3">
            {errorMessage(revoke.error)}
          </Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close} disabled={revoke.isPending || refreshing}>
            {t("cancel")}
          </Button>
          <Button
            variant="danger"
            disabled={revoke.isPending || refreshing}
            onClick={() =>
              target &&
              revoke.mutate(target.id, {
                onSuccess: () =>
                  startRefresh(() => {
                    router.refresh();
                    setTarget(null);
                  }),
              })
            }
          >
            {revoke.isPending || refreshing ? <Spinner /> : null}
            {t("revokeConfirm")}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
