import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { ReportMailCard } from "./_components/report-mail-card";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("reports.index"))("metaTitle") };
}

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

function monthKey(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

function monthLabel(month: string, locale: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, number - 1, 1)),
  );
}

/** This month and the eleven before it, newest first (UTC months, as the report counts them). */
function recentMonths(now: Date, count = 12): string[] {
  return Array.from({ length: count }, (_, index) =>
    monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - index, 1))),
  );
}

export default async function ReportsPage({
  searchParams,
}: {
  searchParams: Promise<{ month?: string | string[] }>;
}) {
  const user = await requireUser();
  // The month picker is a plain GET form: ?month=YYYY-MM opens that month's report.
  const picked = monthSchema.safeParse((await searchParams).month);
  if (picked.success) redirect(`/reports/${picked.data}`);

  const now = new Date();
  const current = monthKey(now);
  const months = recentMonths(now);
  const t = await getTranslations("reports.index");
  const locale = await getLocale();

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
      />
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Card aria-labelledby="report-pick-title">
          <CardHeader
            id="report-pick-title"
            title={t("openTitle")}
            description={t("openDescription")}
          />
          <CardBody>
            <form action="/reports" method="get" className="flex flex-wrap items-end gap-3">
              <Field label={t("month")}>
                {(control) => (
                  <Input
                    type="month"
                    name="month"
                    defaultValue={current}
                    max={current}
                    required
                    {...control}
                  />
                )}
              </Field>
              <button type="submit" className={buttonClasses({ variant: "primary" })}>
                {t("open")}
              </button>
            </form>
          </CardBody>
        </Card>
        <Card aria-labelledby="report-recent-title">
          <CardHeader id="report-recent-title" title={t("recent")} />
          <CardBody>
            <ul className="grid grid-cols-2 gap-x-4 gap-y-1.5 text-sm sm:grid-cols-3">
              {months.map((month) => (
                <li key={month}>
                  <Link href={`/reports/${month}`} className="text-emerald-800 hover:underline">
                    {monthLabel(month, locale)}
                  </Link>
                  {month === current ? (
                    <span className="ml-1 text-xs text-zinc-500">{t("inProgress")}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
        {hasRole(user.role, "admin") ? <ReportMailCard /> : null}
      </div>
    </>
  );
}
