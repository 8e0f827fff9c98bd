import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { queryKeys } from "@/lib/client/query-keys";
import { repositoriesKey } from "@/lib/client/use-offsite";
import { messages } from "@/lib/i18n/messages";
import type { ClusterRepositories } from "@/lib/schemas/offsite";
import { OffsiteRepositoryCard } from "./offsite-repository-card";

// The card as server HTML, from cached reads: what a viewer and an admin see first.

const clusterId = "c1";
const repositories: ClusterRepositories = {
  local: { kind: "folder", path: "/srv/walden/repo", secondary: null },
  offsite: {
    kind: "s3",
    endpoint: "https://s3.eu-west-1.amazonaws.com",
    region: "eu-west-1",
    bucket: "acme-backups",
    prefix: "walden/prod",
    forcePathStyle: false,
    accessKeyId: "AKIAEXAMPLE",
    encryption: { enabled: true, recipient: `age1${"q".repeat(58)}` },
    retention: { days: 90, minBackups: 2 },
    secretSet: true,
  },
};

function render(
  canEdit: boolean,
  cached: ClusterRepositories,
  lag: { lagBytes: number; lagSeconds: number },
  locale: "en" | "ko" = "en",
) {
  const client = new QueryClient();
  client.setQueryData(repositoriesKey(clusterId), cached);
  client.setQueryData(queryKeys.restoreWindow(clusterId), {
    offsite: { earliest: null, latest: "2026-12-03T14:00:00.000Z", ...lag },
  });
  return renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale, messages: messages[locale], timeZone: "UTC" } as ComponentProps<
        typeof NextIntlClientProvider
      >,
      createElement(
        QueryClientProvider,
        { client },
        createElement(OffsiteRepositoryCard, { clusterId, canEdit }),
      ),
    ),
  ).replace(/<!-- -->/g, "");
}

describe("OffsiteRepositoryCard", () => {
  it("shows a viewer the repository, its key and the lag, with no Edit or Test", () => {
    const html = render(false, repositories, { lagBytes: 16 * 1024 * 1024, lagSeconds: 95 });
    for (const shown of [
      "https://s3.eu-west-1.amazonaws.com",
      "acme-backups",
      "walden/prod",
      "AKIAEXAMPLE",
      repositories.offsite!.encryption!.recipient!,
      "losing it loses the encrypted backups",
      "90 days, at least 2 physical backups",
      "16 MiB",
      "behind the archive",
    ]) {
      expect(html, shown).toContain(shown);
    }
    expect(html).not.toMatch(/>(Edit|Test|Set up)</);
  });

  it("gives an admin Edit and Test, and says when there is no repository", () => {
    expect(render(true, repositories, { lagBytes: 0, lagSeconds: 0 })).toMatch(/>Test</);
    const none = render(true, { ...repositories, offsite: null }, { lagBytes: 0, lagSeconds: 0 });
    expect(none).toContain("None: backups and WAL are only on this host.");
    expect(none).toMatch(/>Set up</);
    expect(none).not.toMatch(/>Test</);
  });

  it("speaks Korean on a Korean page, the endpoint, bucket and key as they were typed", () => {
    const html = render(true, repositories, { lagBytes: 0, lagSeconds: 0 }, "ko");
    for (const shown of [
      "오프사이트 저장소",
      "https://s3.eu-west-1.amazonaws.com",
      "acme-backups",
      "AKIAEXAMPLE",
      "90일, 물리 백업 최소 2개",
      "따라잡음",
      ">테스트<",
      ">편집<",
    ])
      expect(html, shown).toContain(shown);
    expect(html).not.toMatch(/behind the archive|Offsite repository|>Edit</);
  });
});
