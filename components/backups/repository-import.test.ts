import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { repositoriesKey } from "@/lib/client/use-offsite";
import { messages } from "@/lib/i18n/messages";
import type { ClusterRepositories } from "@/lib/schemas/offsite";
import type { RepositoryImportEntry, RepositoryImportResult } from "@/lib/schemas/repository-import";
import { ImportPreview, RepositoryImportCard } from "./repository-import";

// The import card and its dry-run list as server HTML.

const clusterId = "c1";
const entry = (overrides: Partial<RepositoryImportEntry>): RepositoryImportEntry => ({
  backupId: "4d0b6a53-2c1e-4d8f-9a2b-1f3e5c7d9a01",
  action: "add",
  reason: null,
  kind: "physical",
  label: null,
  finishedAt: "2026-12-01T02:01:30.000Z",
  sizeBytes: 5 * 1024 * 1024,
  startLsn: "0/5000028",
  stopLsn: "0/5000138",
  timeline: 1,
  encrypted: false,
  ...overrides,
});
const result: RepositoryImportResult = {
  repository: "offsite",
  location: "s3://acme-backups/walden/prod at https://s3.eu-west-1.amazonaws.com",
  dryRun: true,
  systemIdentifier: "7445063947245113390",
  checkedAgainst: "server",
  entries: [
    entry({ label: "nightly", encrypted: true }),
    entry({ backupId: "5e1c7b64-3d2f-4e9a-8b3c-2a4f6d8e0b12", action: "known" }),
    entry({
      backupId: "6f2d8c75-4e3a-4fab-9c4d-3b5a7e9f1c23",
      action: "refused",
      reason: "it was taken from another database cluster (system identifier 1, not 7445063947245113390)",
      kind: null,
      finishedAt: null,
    }),
  ],
  backups: { earliestFinishedAt: "2026-12-01T02:01:30.000Z", latestFinishedAt: "2026-12-01T02:01:30.000Z" },
  wal: { firstWal: "000000010000000000000005", lastWal: "000000010000000000000009", segments: 5 },
  added: 0,
  copiesRecorded: 0,
};

const html = (element: Parameters<typeof renderToStaticMarkup>[0], locale: "en" | "ko" = "en") =>
  renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale, messages: messages[locale], timeZone: "UTC" } as ComponentProps<
        typeof NextIntlClientProvider
      >,
      element,
    ),
  ).replace(/<!-- -->/g, "");

describe("ImportPreview", () => {
  it("lists each backup with what would happen and why, and the repository it came from", () => {
    const text = html(createElement(ImportPreview, { result }));
    expect(text).toContain("s3://acme-backups/walden/prod at https://s3.eu-west-1.amazonaws.com");
    expect(text).toContain("7445063947245113390");
    expect(text).toMatch(/4d0b6a53<\/code><span[^>]*>nightly<\/span><span[^>]*>encrypted<\/span>/);
    expect(text).toContain(">to import<");
    expect(text).toContain(">already known<");
    expect(text).toContain(">refused<");
    expect(text).toContain("another database cluster (system identifier 1, not 7445063947245113390)");
    expect(text).toContain("1 to import, 0 copies to record, 1 already known, 1 refused");
    expect(text).toContain("offsite WAL 000000010000000000000005 … 000000010000000000000009 (5 segments)");
  });

  it("after the import says what was added", () => {
    const text = html(
      createElement(ImportPreview, { result: { ...result, dryRun: false, added: 1, copiesRecorded: 1 } }),
    );
    expect(text).toContain("Imported 1 backup and recorded 1 copy.");
  });

  it("speaks Korean on a Korean page, the location and identifiers as they are", () => {
    const text = html(createElement(ImportPreview, { result }), "ko");
    expect(text).toContain("s3://acme-backups/walden/prod at https://s3.eu-west-1.amazonaws.com");
    expect(text).toContain("7445063947245113390");
    expect(text).toContain(">가져올 예정<");
    expect(text).toContain(">암호화됨<");
    expect(text).toContain(">물리<");
    expect(text).toContain("가져올 백업 1개, 기록할 사본 0개, 이미 있음 1개, 거부됨 1개");
    expect(text).toContain("000000010000000000000005 … 000000010000000000000009 (세그먼트 5개)");
    expect(text).not.toMatch(/to import|already known|Physical backups/);
  });
});

describe("RepositoryImportCard", () => {
  function render(cached: ClusterRepositories) {
    const client = new QueryClient();
    client.setQueryData(repositoriesKey(clusterId), cached);
    return html(
      createElement(QueryClientProvider, { client }, createElement(RepositoryImportCard, { clusterId })),
    );
  }
  const local = { kind: "folder" as const, path: "/srv/walden/repo", secondary: null };

  it("offers the offsite repository only when the cluster has one", () => {
    expect(render({ local, offsite: null })).toContain("List local");
    expect(render({ local, offsite: null })).not.toContain("List offsite");
    const withOffsite = render({
      local,
      offsite: {
        kind: "s3",
        endpoint: "https://s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        bucket: "acme-backups",
        forcePathStyle: false,
        accessKeyId: "AKIAEXAMPLE",
        secretSet: true,
      },
    });
    expect(withOffsite).toContain("List offsite");
    expect(withOffsite).not.toContain("Import…");
  });
});
