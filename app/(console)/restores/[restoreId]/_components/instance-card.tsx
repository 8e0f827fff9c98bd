"use client";

import { useRef, useState } from "react";
import { instanceNameOf } from "@/components/restores/describe";
import { useTearDownRestore, type RestoreView } from "@/lib/client/use-restores";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { errorMessage } from "@/lib/client/fetcher";

/**
 * The psql command with a copy button. Without the Clipboard API (plain http off localhost) the
 * command is selected instead, for Ctrl+C.
 */
function CopyableCommand({ command }: { command: string }) {
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
        aria-label="psql command"
        className="min-w-0 flex-1 rounded-md bg-zinc-950 px-2.5 py-1.5 font-mono text-xs break-all text-zinc-100"
      >
        {command}
      </code>
      <Button size="sm" onClick={() => void copy()}>
        Copy
      </Button>
      <span role="status" className="self-center text-xs text-zinc-500">
        {copied === "copied" ? "Copied" : copied === "selected" ? "Selected: press Ctrl+C" : ""}
      </span>
    </div>
  );
}

/**
 * The restored instance of a pitr restore: where it listens, the psql command, when it expires,
 * and for operators "Tear down" behind its name typed to confirm.
 */
export function InstanceCard({ restore, canOperate }: { restore: RestoreView; canOperate: boolean }) {
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
        title="Restored instance"
        description="A new data directory and port on the worker host; the source cluster is untouched."
        actions={
          canTearDown && !requested ? (
            <Button variant="danger" size="sm" onClick={() => setConfirmOpen(true)}>
              Tear down
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-3">
        {instance ? (
          <>
            <DescriptionList termWidth="7rem">
              <Description term="Name">
                <code className="text-[13px]">{name}</code>{" "}
                {restore.instanceState === "running" ? (
                  <Badge tone="success">running</Badge>
                ) : restore.instanceState ? (
                  <Badge>{restore.instanceState}</Badge>
                ) : null}
              </Description>
              <Description term="Host">
                <code className="text-[13px]">{instance.host}</code>
              </Description>
              <Description term="Port">
                <code className="text-[13px]">{instance.port}</code>
              </Description>
              <Description term="Database">
                <code className="text-[13px]">{instance.database}</code>
              </Description>
              <Description term="User">
                {instance.user ? (
                  <>
                    <code className="text-[13px]">{instance.user}</code>{" "}
                    <span className="text-xs text-zinc-500">with the source cluster&apos;s password</span>
                  </>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Description>
              {instance.dataDir ? (
                <Description term="Data directory">
                  <code className="text-[13px] break-all">{instance.dataDir}</code>
                </Description>
              ) : null}
              <Description term="Expires">
                {restore.expiresAt ? (
                  <>
                    <Time value={restore.expiresAt} />{" "}
                    <span className="text-xs text-zinc-500">then the worker tears it down</span>
                  </>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Description>
            </DescriptionList>
            {instance.psql ? (
              <CopyableCommand command={instance.psql} />
            ) : restore.instanceState === "stopped" ? (
              <p className="text-sm text-zinc-600">
                The instance is stopped (it shut down at the target, or the worker stopped). Its data
                directory is kept until it expires.
              </p>
            ) : null}
          </>
        ) : restore.instanceState === "removed" ? (
          <p className="text-sm text-zinc-600">
            {restore.purpose === "drill"
              ? "Torn down after the drill was verified: a drill keeps its evidence, not its copy."
              : "Torn down: its data directory is deleted and its port is free."}
          </p>
        ) : (
          <p className="text-sm text-zinc-500">No instance.</p>
        )}
        {requested ? (
          <p role="status" className="text-sm text-zinc-600">
            Tear-down requested: the worker stops the instance and deletes its files.
          </p>
        ) : null}
      </CardBody>

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={close}
        title={`Tear down ${name}?`}
        description="The restored instance is stopped and its data directory deleted. Anything written to it is lost; the source cluster is not touched."
        expected={name}
        fieldLabel="Instance name"
        confirmLabel="Tear down"
        pending={teardown.isPending}
        error={teardown.isError ? errorMessage(teardown.error) : null}
        onConfirm={(typed) => teardown.mutate(typed, { onSuccess: () => setConfirmOpen(false) })}
      />
    </Card>
  );
}
