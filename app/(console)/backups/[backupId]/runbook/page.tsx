import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { formatBytes, formatUtcSeconds } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { requireUser } from "@/lib/auth/page";
import { AppError } from "@/lib/errors";
import type { Runbook } from "@/lib/restore/runbook";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { CommandBlock, PrintButton } from "./_components/runbook-controls";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("backups.runbook"))("metaTitle") };
}

// Printing hides the console's sidebar and top bar (they belong to the layout, not this page).
const PRINT_CSS = `@media print {
  div:has(> aside), aside, header.sticky { display: none !important; }
  main { max-width: none !important; padding: 0 !important; }
  @page { margin: 14mm; }
}`;

async function loadRunbook(id: string): Promise<Runbook | AppError> {
  try {
    return await getBackupRunbookOrThrow(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    // A logical or unfinished backup has no runbook: say why on the page.
    if (error instanceof AppError && error.code === "conflict") return error;
    throw error;
  }
}

function targetText(
  runbook: Runbook,
  t: Awaited<ReturnType<typeof getTranslations<"backups.runbook">>>,
): string {
  const { target } = runbook.restore;
  if (target.type === "time") return t("targetTime");
  if (target.type === "latest") return t("targetLatest");
  if (target.type === "immediate") return t("targetImmediate");
  return `${target.type} ${target.value}`;
}

export default async function BackupRunbookPage({ params }: { params: Promise<{ backupId: string }> }) {
  const { backupId } = await params;
  await requireUser();
  const runbook = await loadRunbook(backupId);
  const backupHref = `/backups/${backupId}`;
  const t = await getTranslations("backups.runbook");
  const breadcrumb = (
    <span className="print:hidden">
      <Link href="/backups" className="hover:underline">
        {t("breadcrumb")}
      </Link>{" "}
      /{" "}
      <Link href={backupHref} className="hover:underline">
        {t("backup", { id: backupId.slice(0, 8) })}
      </Link>
    </span>
  );

  if (runbook instanceof AppError) {
    return (
      <>
        <PageHeader breadcrumb={breadcrumb} title={t("title")} />
        <Alert tone="warning" title={t("noRunbook")}>
          {runbook.message}. {t("noRunbookHint")}
        </Alert>
        <Link href={backupHref} className={`${buttonClasses()} mt-5`}>
          {t("back")}
        </Link>
      </>
    );
  }

  const { backup, restore } = runbook;
  // Headings in the reader's language; the commands and their explanations stay as the runbook
  // writes them (English), and so does the downloadable script.
  const steps = await getTranslations("backups.runbookSteps");
  const titleValues = { id: backup.id.slice(0, 8), cluster: backup.clusterName };
  const title = backup.label
    ? steps("titleLabelled", { ...titleValues, label: backup.label })
    : steps("title", titleValues);
  return (
    <article className="print:text-black">
      <style href="walden-runbook-print" precedence="default">
        {PRINT_CSS}
      </style>
      <PageHeader
        breadcrumb={breadcrumb}
        title={title}
        description={<>{t("description", { major: backup.major })}</>}
        actions={
          <>
            <a
              href={`/api/v1/backups/${backup.id}/runbook?format=text`}
              download={`walden-restore-${backup.id.slice(0, 8)}.sh`}
              className={`${buttonClasses()} print:hidden`}
            >
              {t("download")}
            </a>
            <PrintButton />
          </>
        }
      />

      <section
        aria-labelledby="runbook-facts-title"
        className="mb-5 rounded-lg border border-zinc-200 bg-white px-4 py-3 break-inside-avoid print:border-zinc-400"
      >
        <h2 id="runbook-facts-title" className="mb-2 text-sm font-semibold text-zinc-900">
          {t("facts")}
        </h2>
        <DescriptionList termWidth="10rem" className="[&_dd]:font-mono [&_dd]:text-[13px] [&_dd]:break-all">
          <Description term={t("cluster")}>{backup.clusterName}</Description>
          <Description term={t("backupId")}>{backup.id}</Description>
          <Description term={t("folder")}>{backup.path}</Description>
          <Description term={t("files")}>
            {backup.baseFile}, {backup.walFile}, backup_manifest, SHA256SUMS, walden.json
          </Description>
          <Description term="PostgreSQL">
            {backup.serverVersion} (server_version_num {backup.serverVersionNum})
          </Description>
          <Description term={t("lsnRange")}>
            {backup.startLsn ?? "—"} → {backup.stopLsn ?? "—"} {t("onTimeline")} {backup.timeline ?? "—"}
          </Description>
          <Description term="WAL">
            {backup.startWal ?? "—"} … {backup.stopWal ?? "—"}
          </Description>
          <Description term={t("finished")}>
            {backup.finishedAt ? formatUtcSeconds(backup.finishedAt) : "—"}
          </Description>
          <Description term={t("size")}>{formatBytes(backup.sizeBytes)}</Description>
          <Description term={t("archive")}>{restore.archivePath}</Description>
          <Description term={t("dataDir")}>{restore.dataDir}</Description>
          <Description term={t("port")}>{restore.port}</Description>
          <Description term={t("programs")}>{restore.binDir}</Description>
          <Description term={t("target")}>{targetText(runbook, t)}</Description>
        </DescriptionList>
      </section>

      {runbook.warnings.length ? (
        <Alert tone="warning" title={t("before")} className="mb-5 break-inside-avoid print:border-zinc-400">
          <ul className="list-disc space-y-1 pl-5">
            {runbook.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <ol className="space-y-6">
        {runbook.sections.map((section, index) => {
          const id = `runbook-step-${index + 1}`;
          return (
            <li key={section.titleKey} aria-labelledby={id} className="break-inside-avoid-page">
              <h2 id={id} className="text-base font-semibold text-zinc-900">
                {index + 1}. {steps(section.titleKey)}
                {section.manual ? (
                  <span className="ml-2 text-sm font-normal text-zinc-500">{t("manual")}</span>
                ) : null}
              </h2>
              <p className="mt-1 mb-2 max-w-4xl text-sm text-zinc-700 print:max-w-none">
                {section.explanation}
              </p>
              <div className="space-y-2">
                {section.commands.map((command, commandIndex) => (
                  <CommandBlock
                    key={command}
                    command={command}
                    label={t("step", { step: index + 1, command: commandIndex + 1 })}
                  />
                ))}
              </div>
            </li>
          );
        })}
      </ol>
    </article>
  );
}
