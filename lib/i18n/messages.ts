// Every message of the console, one JSON file per area and language under messages/<locale>/
// (one owner per file). English is the reference: its shape is the type every `t()` call is
// checked against (lib/i18n/app-config.d.ts), and messages.test.ts fails when Korean lacks a key.
import type { Locale } from "@/lib/i18n/locales";
import enCommon from "@/messages/en/common.json";
import enShell from "@/messages/en/shell.json";
import enAuth from "@/messages/en/auth.json";
import enOverview from "@/messages/en/overview.json";
import enClusters from "@/messages/en/clusters.json";
import enCluster from "@/messages/en/cluster.json";
import enBackups from "@/messages/en/backups.json";
import enRestores from "@/messages/en/restores.json";
import enAlerts from "@/messages/en/alerts.json";
import enReports from "@/messages/en/reports.json";
import enSettings from "@/messages/en/settings.json";
import enEmail from "@/messages/en/email.json";
import enRepositories from "@/messages/en/repositories.json";
import enSchedules from "@/messages/en/schedules.json";
import enReportCharts from "@/messages/en/reportCharts.json";
import enApiErrors from "@/messages/en/apiErrors.json";
import enFindings from "@/messages/en/findings.json";
import koCommon from "@/messages/ko/common.json";
import koShell from "@/messages/ko/shell.json";
import koAuth from "@/messages/ko/auth.json";
import koOverview from "@/messages/ko/overview.json";
import koClusters from "@/messages/ko/clusters.json";
import koCluster from "@/messages/ko/cluster.json";
import koBackups from "@/messages/ko/backups.json";
import koRestores from "@/messages/ko/restores.json";
import koAlerts from "@/messages/ko/alerts.json";
import koReports from "@/messages/ko/reports.json";
import koSettings from "@/messages/ko/settings.json";
import koEmail from "@/messages/ko/email.json";
import koRepositories from "@/messages/ko/repositories.json";
import koSchedules from "@/messages/ko/schedules.json";
import koReportCharts from "@/messages/ko/reportCharts.json";
import koApiErrors from "@/messages/ko/apiErrors.json";
import koFindings from "@/messages/ko/findings.json";

export const messages = {
  en: {
    common: enCommon,
    shell: enShell,
    auth: enAuth,
    overview: enOverview,
    clusters: enClusters,
    cluster: enCluster,
    backups: enBackups,
    restores: enRestores,
    alerts: enAlerts,
    reports: enReports,
    settings: enSettings,
    email: enEmail,
    repositories: enRepositories,
    schedules: enSchedules,
    reportCharts: enReportCharts,
    apiErrors: enApiErrors,
    findings: enFindings,
  },
  ko: {
    common: koCommon,
    shell: koShell,
    auth: koAuth,
    overview: koOverview,
    clusters: koClusters,
    cluster: koCluster,
    backups: koBackups,
    restores: koRestores,
    alerts: koAlerts,
    reports: koReports,
    settings: koSettings,
    email: koEmail,
    repositories: koRepositories,
    schedules: koSchedules,
    reportCharts: koReportCharts,
    apiErrors: koApiErrors,
    findings: koFindings,
  },
} as const;

export type Messages = (typeof messages)["en"];

export function messagesFor(locale: Locale): Messages {
  // Korean's shape is checked against English by the test, not the type: a missing key must
  // fail a test with its name rather than every build at once.
  return messages[locale] as unknown as Messages;
}
