import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { ConnectionReport } from "@/lib/schemas/cluster";
import { Description, DescriptionList } from "@/components/ui/description-list";

function Yes({ ok, label }: { ok: boolean; label: string }) {
  const t = useTranslations("clusters.connection");
  return (
    <span className={ok ? "text-green-700" : "text-zinc-500"}>
      {label}: {ok ? t("yes") : t("no")}
    </span>
  );
}

/**
 * What a successful connection test found. `expectedRole` and `standbyOf` (the primary's
 * system identifier) turn a wrong registration (a standby typed as the primary, a server
 * from another cluster) into a visible warning instead of a silent mistake.
 */
export function ConnectionReportView({
  report,
  expectedRole,
  standbyOf,
}: {
  report: ConnectionReport;
  expectedRole?: "primary" | "standby";
  standbyOf?: string | null;
}) {
  const t = useTranslations("clusters.connection");
  const warnings = [...report.warnings];
  if (expectedRole && report.role !== expectedRole) {
    warnings.unshift(expectedRole === "primary" ? t("standbyAsPrimary") : t("primaryAsStandby"));
  }
  if (standbyOf && report.systemIdentifier && report.systemIdentifier !== standbyOf) {
    warnings.unshift(t("otherSystem", { identifier: report.systemIdentifier, primary: standbyOf }));
  }

  return (
    <div className="rounded-md border border-green-200 bg-green-50/60 px-3 py-2 text-sm" role="status">
      <p className="font-medium text-green-800">{t("connected")}</p>
      <DescriptionList termWidth="auto" size="xs" className="mt-1 text-zinc-700">
        <Description term={t("version")}>PostgreSQL {report.serverVersion}</Description>
        <Description term={t("role")}>
          <Badge tone={report.role === "primary" ? "accent" : "info"}>{t(`roles.${report.role}`)}</Badge>
        </Description>
        <Description term={t("systemIdentifier")}>
          <code>{report.systemIdentifier ?? t("notAvailable")}</code>
        </Description>
        <Description term={t("connectedAs")}>
          <code>{report.currentUser}</code>
        </Description>
        <Description term={t("privileges")} className="flex flex-wrap gap-x-3">
          <Yes ok={report.privileges.superuser} label="superuser" />
          <Yes ok={report.privileges.replication} label="replication" />
          <Yes ok={report.privileges.pgMonitor} label="pg_monitor" />
        </Description>
      </DescriptionList>
      {warnings.length > 0 ? (
        <ul
          aria-label={t("warnings")}
          className="mt-2 space-y-1 rounded border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-900"
        >
          {warnings.map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function ConnectionErrorView({ code, message }: { code?: string; message: string }) {
  const t = useTranslations("clusters.connection");
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">{t("failed")}</p>
      <p className="mt-0.5 text-xs break-words">
        {message}
        {code ? <span className="ml-1 text-red-500">({code})</span> : null}
      </p>
    </div>
  );
}
