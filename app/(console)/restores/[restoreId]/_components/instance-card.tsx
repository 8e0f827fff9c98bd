"use client";

import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { instanceNameOf } from "@/components/restores/describe";
import { useTearDownRestore, type RestoreView } from "@/lib/client/use-restores";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { useErrorMessage } from "@/components/forms/error-message";

/**
 * The psql command with a copy button. Without the Clipboard API (plain http off localhost) the
 * command is selected instead, for Ctrl+C.
 */
function CopyableCommand({ command }: { command: string }) {
  const t = useTranslations("restores.instance");
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<"copied" | "selected" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied("copied");
    } catch {
      const node = ref.current;
      const selection = window.getSelection();
      if (node && selection) {
        const range = document.createRange();
        range.selectNodeContents(node);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopied("selected");
    }
  };
  return (
    <div className="flex items-start gap-2">
      <code
        ref={ref}
        aria-label={t("psqlCommand")}
        className="min-w-0 flex-1 rounded-md bg-zinc-950 px-2.5 py-1.5 font-mono text-xs break-all text-zinc-100"
      >
        {command}
      </code>
      <Button size="sm" onClick={() => void copy()}>
        {t("copy")}
      </Button>
      <span role="status" className="self-center text-xs text-zinc-500">
        {copied === "copied" ? t("copied") : copied === "selected" ? t("selected") : ""}
      </span>
    </div>
  );
}

/**
 * The restored instance of a pitr restore: where it listens, the psql command, when it expires,
 * and for operators "Tear down" behind its name typed to confirm.
 */
export function InstanceCard({ restore, canOperate }: { restore: RestoreView; canOperate: boolean }) {
  const t = useTranslations("restores.instance");
  const errorMessage = useErrorMessage();
  const teardown = useTearDownRestore(restore.id);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const instance = restore.instance;
  const name = instanceNameOf(restore);
  const requested = teardown.isSuccess && restore.instanceState !== "removed";
  const canTearDown =
    canOperate &&
    restore.kind === "pitr" &&
    (restore.instanceState === "running" || restore.instanceState === "stopped") &&
    restore.status !== "queued" &&
    restore.status !== "running";

  const close = () => {
    setConfirmOpen(false);
    teardown.reset();
  };

  return (
    <Card aria-labelledby="instance-title">
      <CardHeader
        id="instance-title"
        title={t("title")}
        description={t("description")}
        actions={
          canTearDown && !requested ? (
            <Button variant="danger" size="sm" onClick={() => setConfirmOpen(true)}>
              {t("tearDown")}
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-3">
        {instance ? (
          <>
            <DescriptionList termWidth="7rem">
              <Description term={t("name")}>
                <code className="text-[13px]">{name}</code>{" "}
                {restore.instanceState === "running" ? (
                  <Badge tone="success">{t("state.running")}</Badge>
                ) : restore.instanceState === "stopped" || restore.instanceState === "removed" ? (
                  <Badge>{t(`state.${restore.instanceState}`)}</Badge>
                ) : restore.instanceState ? (
                  <Badge>{restore.instanceState}</Badge>
                ) : null}
              </Description>
              <Description term={t("host")}>
                <code className="text-[13px]">{instance.host}</code>
              </Description>
              <Description term={t("port")}>
                <code className="text-[13px]">{instance.port}</code>
              </Description>
              <Description term={t("database")}>
                <code className="text-[13px]">{instance.database}</code>
              </Description>
              <Description term={t("user")}>
                {instance.user ? (
                  <>
                    <code className="text-[13px]">{instance.user}</code>{" "}
                    <span className="text-xs text-zinc-500">{t("userHint")}</span>
                  </>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Description>
              {instance.dataDir ? (
                <Description term={t("dataDirectory")}>
                  <code className="text-[13px] break-all">{instance.dataDir}</code>
                </Description>
              ) : null}
              <Description term={t("expires")}>
                {restore.expiresAt ? (
                  <>
                    <Time value={restore.expiresAt} />{" "}
                    <span className="text-xs text-zinc-500">{t("expiresHint")}</span>
                  </>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Description>
            </DescriptionList>
            {instance.psql ? (
              <CopyableCommand command={instance.psql} />
            ) : restore.instanceState === "stopped" ? (
              <p className="text-sm text-zinc-600">{t("stopped")}</p>
            ) : null}
          </>
        ) : restore.instanceState === "removed" ? (
          <p className="text-sm text-zinc-600">
            {restore.purpose === "drill" ? t("removedDrill") : t("removed")}
          </p>
        ) : (
          <p className="text-sm text-zinc-500">{t("none")}</p>
        )}
        {requested ? (
          <p role="status" className="text-sm text-zinc-600">
            {t("requested")}
          </p>
        ) : null}
      </CardBody>

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={close}
        title={t("confirmTitle", { name })}
        description={t("confirmDescription")}
        expected={name}
        fieldLabel={t("instanceName")}
        confirmLabel={t("tearDown")}
        pending={teardown.isPending}
        error={teardown.isError ? errorMessage(teardown.error) : null}
        onConfirm={(typed) => teardown.mutate(typed, { onSuccess: () => setConfirmOpen(false) })}
      />
    </Card>
  );
}
