"use client";

import { useRouter } from "next/navigation";
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
  const revoke = useRevokeToken();
  const [refreshing, startRefresh] = useTransition();
  const [target, setTarget] = useState<TokenSummary | null>(null);

  const close = () => {
    if (revoke.isPending || refreshing) return;
    setTarget(null);
    revoke.reset();
  };

  if (tokens.length === 0) {
    return (
      <EmptyState title="No tokens yet">Create one above for a script or a Prometheus scrape.</EmptyState>
    );
  }

  return (
    <>
      <Table aria-label="API tokens">
        <THead>
          <tr>
            <TH>Name</TH>
            <TH>Prefix</TH>
            <TH>Owner</TH>
            <TH>Role</TH>
            <TH>Created</TH>
            <TH>Last used</TH>
            <TH>Expires</TH>
            <TH>Status</TH>
            <TH>
              <span className="sr-only">Actions</span>
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
                  <Time value={token.lastUsedAt} empty="never" />
                </TD>
                <TD>
                  <Time value={token.expiresAt} empty="never" />
                </TD>
                <TD>
                  <Badge tone={statusTone[status]}>{status}</Badge>
                </TD>
                <TD className="text-right">
                  {token.revoked ? null : (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => setTarget(token)}
                    >
                      Revoke
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
        title={`Revoke the token "${target?.name ?? ""}"?`}
        description="Anything using it (scripts, Prometheus) gets 401 from its next request. This cannot be undone."
      >
        {revoke.isError ? (
          <Alert tone="error" className="mb-3">
            {errorMessage(revoke.error)}
          </Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close} disabled={revoke.isPending || refreshing}>
            Cancel
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
            Revoke token
          </Button>
        </div>
      </Dialog>
    </>
  );
}
