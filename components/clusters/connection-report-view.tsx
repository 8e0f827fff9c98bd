import { Badge } from "@/components/ui/badge";
import type { ConnectionReport } from "@/lib/schemas/cluster";
import { Description, DescriptionList } from "@/components/ui/description-list";

function Yes({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span className={ok ? "text-green-700" : "text-zinc-500"}>
      {label}: {ok ? "yes" : "no"}
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
  const warnings = [...report.warnings];
  if (expectedRole && report.role !== expectedRole) {
    warnings.unshift(
      expectedRole === "primary"
        ? "This server is in recovery (a standby), but it is entered as the primary."
        : "This server is not in recovery (a primary), but it is entered as a standby.",
    );
  }
  if (standbyOf && report.systemIdentifier && report.systemIdentifier !== standbyOf) {
    warnings.unshift(
      `System identifier ${report.systemIdentifier} differs from the primary's (${standbyOf}): this server is not a copy of that primary.`,
    );
  }

  return (
    <div className="rounded-md border border-green-200 bg-green-50/60 px-3 py-2 text-sm" role="status">
      <p className="font-medium text-green-800">Connected</p>
      <DescriptionList termWidth="auto" size="xs" className="mt-1 text-zinc-700">
        <Description term="Version">PostgreSQL {report.serverVersion}</Description>
        <Description term="Role">
          <Badge tone={report.role === "primary" ? "accent" : "info"}>{report.role}</Badge>
        </Description>
        <Description term="System identifier">
          <code>{report.systemIdentifier ?? "not available to this user"}</code>
        </Description>
        <Description term="Connected as">
          <code>{report.currentUser}</code>
        </Description>
        <Description term="Privileges" className="flex flex-wrap gap-x-3">
          <Yes ok={report.privileges.superuser} label="superuser" />
          <Yes ok={report.privileges.replication} label="replication" />
          <Yes ok={report.privileges.pgMonitor} label="pg_monitor" />
        </Description>
      </DescriptionList>
      {warnings.length > 0 ? (
        <ul
          aria-label="Warnings"
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
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">Connection failed</p>
      <p className="mt-0.5 text-xs break-words">
        {message}
        {code ? <span className="ml-1 text-red-500">({code})</span> : null}
      </p>
    </div>
  );
}
