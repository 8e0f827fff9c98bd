import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { repositoriesKey } from "@/lib/client/use-offsite";
import { messages } from "@/lib/i18n/messages";
import type { ClusterRepositoriesWithEncryption } from "@/lib/schemas/local-encryption";
import { LocalEncryptionCard } from "./local-encryption-card";

// The local encryption card as server HTML, from a cached read: the recipient, the escrow
// fingerprint, who holds the key, the plain warning, and Edit for admins only.

const clusterId = "c1";
const recipient = `age1${"q".repeat(58)}`;
const repositories: ClusterRepositoriesWithEncryption = {
  local: {
    kind: "folder",
    path: "/srv/walden/repo",
    secondary: null,
    encryption: { enabled: true, recipient, fingerprint: "3f2a-91bc-07de-55a0", keyHeldByWalden: false },
  },
  offsite: null,
};

function render(canEdit: boolean, cached: ClusterRepositoriesWithEncryption, locale: "en" | "ko" = "en") {
  const client = new QueryClient();
  client.setQueryData(repositoriesKey(clusterId), cached);
  return renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale, messages: messages[locale], timeZone: "UTC" } as ComponentProps<
        typeof NextIntlClientProvider
      >,
      createElement(
        QueryClientProvider,
        { client },
        createElement(LocalEncryptionCard, { clusterId, canEdit }),
      ),
    ),
  ).replace(/<!-- -->/g, "");
}

describe("LocalEncryptionCard", () => {
  it("shows the recipient, the fingerprint for escrow and the warning, without Edit for a viewer", () => {
    const html = render(false, repositories);
    for (const shown of [
      recipient,
      "3f2a-91bc-07de-55a0",
      "record it with the escrowed key",
      "not held: restores need the key",
      "Losing the secret key loses every encrypted backup: Walden cannot recover them.",
      "WAL archive",
      "encrypted too: each complete segment becomes an .age file",
    ])
      expect(html, shown).toContain(shown);
    expect(html).not.toMatch(/>(Edit|Set up)</);
  });

  it("says when Walden holds the key, gives an admin Edit, and says Off when it is off", () => {
    const held = render(true, {
      ...repositories,
      local: {
        ...repositories.local,
        encryption: { ...repositories.local.encryption, keyHeldByWalden: true },
      },
    });
    expect(held).toContain("held by Walden (encrypted)");
    expect(held).toMatch(/>Edit</);
    const off = render(true, {
      ...repositories,
      local: {
        ...repositories.local,
        encryption: { enabled: false, recipient: null, fingerprint: null, keyHeldByWalden: false },
      },
    });
    expect(off).toContain("Off: backups in the local repository are stored as they are.");
    expect(off).not.toContain("encrypted too");
    expect(off).toMatch(/>Set up</);
  });

  it("speaks Korean", () => {
    const html = render(false, repositories, "ko");
    expect(html).toContain("비밀 키를 잃으면 암호화된 모든 백업을 잃습니다");
    expect(html).toContain("WAL 아카이브");
    expect(html).toContain("함께 암호화됨");
  });
});
