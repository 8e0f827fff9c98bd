import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ComponentProps, type ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { messages } from "@/lib/i18n/messages";
import { ApiError } from "@/lib/client/fetcher";
import { failedTestResult, type OffsiteRepositoryView } from "@/lib/client/use-offsite";
import { offsiteRepositorySchema } from "@/lib/schemas/offsite";
import { offsiteFormValues, offsiteUpdateOf, OffsiteRepositoryForm } from "./offsite-repository-form";

// The offsite form's fields as the API names them, the body it sends, and the test's checks
// read back from a refusal.

const stored: OffsiteRepositoryView = {
  kind: "s3",
  endpoint: "http://127.0.0.1:25930",
  region: "us-east-1",
  bucket: "walden-demo",
  prefix: "offsite",
  forcePathStyle: true,
  accessKeyId: "S3RVER",
  retention: { days: 90, minBackups: 2 },
  secretSet: true,
};

function html(node: ReactNode): string {
  // English, as the console renders it for a browser without another language.
  return renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      // children is a required prop in the provider's type; it is given as the third argument.
      { locale: "en", messages: messages.en, timeZone: "UTC" } as ComponentProps<
        typeof NextIntlClientProvider
      >,
      createElement(QueryClientProvider, { client: new QueryClient() }, node),
    ),
  );
}

describe("offsite repository form", () => {
  it("names every control as PUT …/repositories/offsite does, the secret never filled in", () => {
    const markup = html(
      createElement(OffsiteRepositoryForm, { clusterId: "c1", current: stored, onDone: () => {} }),
    );
    for (const name of [
      "endpoint",
      "region",
      "bucket",
      "prefix",
      "forcePathStyle",
      "accessKeyId",
      "secretAccessKey",
      "encryption.enabled",
      "encryption.recipient",
      "retention.days",
      "retention.minBackups",
    ]) {
      expect(markup, name).toContain(`name="${name}"`);
    }
    expect(markup.match(/<input[^>]*name="secretAccessKey"[^>]*>/)?.[0]).not.toContain("value=");
  });

  it("sends the stored settings back unchanged, the secret left out so the stored one is kept", () => {
    const body = offsiteUpdateOf(offsiteFormValues(stored));
    expect(body).toEqual({
      kind: "s3",
      endpoint: stored.endpoint,
      region: "us-east-1",
      bucket: "walden-demo",
      prefix: "offsite",
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      retention: { days: 90, minBackups: 2 },
    });
    expect("secretAccessKey" in body).toBe(false);
  });

  it("leaves out empty optional parts, and a new repository's body passes the API's schema", () => {
    const values = {
      ...offsiteFormValues(null),
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      bucket: "acme-backups",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "s3cr3t",
    };
    const body = offsiteUpdateOf(values);
    expect(body).not.toHaveProperty("prefix");
    expect(body).not.toHaveProperty("encryption");
    expect(body).not.toHaveProperty("retention");
    expect(offsiteRepositorySchema.safeParse(body).success).toBe(true);
  });
});

describe("failedTestResult", () => {
  it("reads every check from the 422's details, and nothing from other errors", () => {
    const checks = [
      { name: "write", ok: false, message: "the secret access key is wrong" },
      { name: "read", ok: false, message: "skipped" },
    ];
    const refusal = new ApiError(422, "unprocessable_entity", "The offsite repository test failed", {
      checks,
    });
    expect(failedTestResult(refusal)).toEqual({ ok: false, checks });
    expect(failedTestResult(new ApiError(403, "forbidden", "no"))).toBeNull();
    expect(failedTestResult(new Error("network"))).toBeNull();
  });
});
