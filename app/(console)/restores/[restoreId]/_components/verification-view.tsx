import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { useFormat } from "@/components/ui/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { Verification } from "@/lib/schemas/restore";

// The verification a restore stored: for pitr and logical restores the databases with their
// tables' row counts and the check query's result; for a table copy the two row counts.

export interface TableCopyVerification {
  table: string;
  rows: number;
  sourceRows: number;
}

export function isTableCopyVerification(value: unknown): value is TableCopyVerification {
  return !!value && typeof value === "object" && typeof (value as TableCopyVerification).table === "string";
}

export function isDatabaseVerification(value: unknown): value is Verification {
  return !!value && typeof value === "object" && Array.isArray((value as Verification).databases);
}

function cell(value: unknown): ReactNode {
  if (value === null || value === undefined) return <span className="text-zinc-400">null</span>;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function CheckResult({ check }: { check: Verification["check"] }) {
  const t = useTranslations("restores.verification");
  const { formatCount } = useFormat();
  if (check === null) return <p className="text-sm text-zinc-500">{t("noCheck")}</p>;
  if ("skipped" in check)
    return <p className="text-sm text-zinc-600">{t("skipped", { reason: check.skipped })}</p>;
  if ("error" in check)
    return (
      <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 font-mono text-xs whitespace-pre-wrap text-red-800">
        {check.error}
      </p>
    );
  if (check.rowsHidden !== undefined)
    return (
      <p className="text-sm text-zinc-600">
        {t.rich("rowsHidden", {
          database: check.database,
          count: check.rowsHidden,
          n: formatCount(check.rowsHidden),
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
    );
  return (
    <div className="space-y-1">
      <p className="text-xs text-zinc-500">
        {t.rich("rowsShown", {
          database: check.database,
          count: check.rows.length,
          n: formatCount(check.rows.length),
          code: (chunks) => <code>{chunks}</code>,
        })}
        {check.truncated ? ` ${t("firstOnly")}` : ""}
      </p>
      <div className="rounded-md ring-1 ring-zinc-200 ring-inset">
        <Table aria-label={t("checkResult")} className="text-[13px]">
          <THead>
            <tr>
              {check.columns.map((column, index) => (
                <TH key={`${column}-${index}`} className="normal-case">
                  {column}
                </TH>
              ))}
            </tr>
          </THead>
          <TBody>
            {check.rows.map((row, rowIndex) => (
              <TR key={rowIndex}>
                {check.columns.map((column, index) => (
                  <TD key={`${column}-${index}`} className="font-mono text-xs">
                    {cell(row[index])}
                  </TD>
                ))}
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
    </div>
  );
}

function DatabaseTables({ database }: { database: Verification["databases"][number] }) {
  const t = useTranslations("restores.verification");
  const { formatBytes, formatCount } = useFormat();
  const total = database.tables.reduce((sum, table) => sum + (table.rows ?? 0), 0);
  return (
    <details className="rounded-md ring-1 ring-zinc-200 ring-inset" open={database.tables.length <= 12}>
      <summary className="cursor-pointer px-3 py-2 text-sm">
        <code className="font-medium text-zinc-900">{database.name}</code>{" "}
        <span className="text-zinc-600">
          · {t("tableCount", { count: database.tables.length, n: formatCount(database.tables.length) })} ·{" "}
          {t("rowCount", { n: formatCount(total) })}
          {database.sizeBytes ? ` · ${formatBytes(database.sizeBytes)}` : ""}
        </span>
        {database.truncated ? (
          <span className="ml-2 text-xs text-amber-700">{t("firstTablesOnly")}</span>
        ) : null}
      </summary>
      {database.tables.length ? (
        <Table aria-label={t("tablesOf", { database: database.name })} className="text-[13px]">
          <THead>
            <tr>
              <TH>{t("table")}</TH>
              <TH className="text-right">{t("rows")}</TH>
            </tr>
          </THead>
          <TBody>
            {database.tables.map((table) => (
              <TR key={`${table.schema}.${table.name}`}>
                <TD>
                  <code className="text-[13px]">
                    {table.schema}.{table.name}
                  </code>
                </TD>
                <TD className="text-right tabular-nums">
                  {table.error ? (
                    <span className="text-xs text-red-700" title={table.error}>
                      {table.error}
                    </span>
                  ) : (
                    <span title={table.estimated ? t("estimated") : "count(*)"}>
                      {table.estimated ? "≈ " : ""}
                      {formatCount(table.rows)}
                    </span>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      ) : (
        <p className="px-3 pb-2 text-sm text-zinc-500">{t("noTables")}</p>
      )}
    </details>
  );
}

/** The databases and row counts found on the restored copy, and the check query's answer. */
export function DatabaseVerificationView({
  verification,
  kind,
}: {
  verification: Verification;
  kind: "pitr" | "logical" | "table";
}) {
  const t = useTranslations("restores.verification");
  return (
    <div className="space-y-4">
      {kind === "pitr" ? (
        <p className="text-sm text-zinc-700">
          {verification.inRecovery ? (
            <>
              <Badge tone="info">{t("inRecovery")}</Badge> {t("inRecoveryText")}
            </>
          ) : (
            <>
              <Badge tone="success">{t("promoted")}</Badge> {t("promotedText")}
            </>
          )}
        </p>
      ) : null}
      {verification.databases.length ? (
        <div className="space-y-2">
          {verification.databases.map((database) => (
            <DatabaseTables key={database.name} database={database} />
          ))}
        </div>
      ) : (
        <p className="text-sm text-zinc-500">{t("noDatabase")}</p>
      )}
      {kind === "pitr" ? (
        <div className="space-y-1">
          <h3 className="text-sm font-medium text-zinc-900">{t("checkQuery")}</h3>
          <CheckResult check={verification.check} />
        </div>
      ) : null}
    </div>
  );
}

export function TableCopyVerificationView({ verification }: { verification: TableCopyVerification }) {
  const t = useTranslations("restores.verification");
  const { formatCount } = useFormat();
  const match = verification.rows === verification.sourceRows;
  return (
    <DescriptionList>
      <Description term={t("newTable")}>
        <code className="text-[13px]">{verification.table}</code>
      </Description>
      <Description term={t("rowsCopied")} className="tabular-nums">
        {formatCount(verification.rows)}
      </Description>
      <Description term={t("rowsInSource")} className="tabular-nums">
        {formatCount(verification.sourceRows)}{" "}
        {match ? <Badge tone="success">{t("match")}</Badge> : <Badge tone="danger">{t("differ")}</Badge>}
      </Description>
    </DescriptionList>
  );
}
