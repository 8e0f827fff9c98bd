import { z } from "zod";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import type { NotificationChannel } from "@/lib/generated/prisma/client";
import {
  mailLocaleSchema,
  smtpTlsSchema,
  type ChannelInput,
  type ChannelSettings,
} from "@/lib/schemas/notification-channels";

// What a channel's encrypted secret holds, by kind: a webhook's URL as is (as it always was),
// an e-mail channel's SMTP settings and a PagerDuty routing key as JSON. All of it is
// encrypted (a URL carries a token, a password is a password); only displayTarget is shown.

const CHANNEL_SECRET = "notification-channel";

export const smtpSettingsSchema = z.object({
  host: z.string(),
  port: z.number(),
  tls: smtpTlsSchema,
  user: z.string(),
  password: z.string(),
  from: z.string(),
  to: z.array(z.string()).min(1),
  /** The language of its e-mails; channels stored before there was a choice send English. */
  locale: mailLocaleSchema.default("en"),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

const pagerDutySettingsSchema = z.object({ routingKey: z.string() });

export type ChannelTarget =
  | { kind: "webhook"; url: string }
  | { kind: "email"; smtp: SmtpSettings }
  | { kind: "pagerduty"; routingKey: string };

/** A channel that cannot send, with what to do about it (a delivery fails with this, unretried). */
export class ChannelNotUsable extends Error {}

/** Encrypts what a channel stores (storedTargetOf): only the channel's sender decrypts it. */
export function encryptChannelTarget(plain: string): string {
  return encryptSecret(plain, env().WALDEN_SECRET, CHANNEL_SECRET);
}

/** What a new channel stores, before encryption. */
export function storedTargetOf(input: ChannelInput): string {
  if (input.kind === "webhook") return input.url;
  if (input.kind === "pagerduty") return JSON.stringify({ routingKey: input.routingKey });
  const smtp: SmtpSettings = {
    host: input.host,
    port: input.port,
    tls: input.tls,
    user: input.user,
    password: input.password,
    from: input.from,
    to: input.to,
    locale: input.locale,
  };
  return JSON.stringify(smtp);
}

/**
 * A stored channel as the create body that would make it again (secrets included): what an
 * edit (PATCH) starts from before the caller's fields are laid over it.
 */
export function storedInputOf(channel: Pick<NotificationChannel, "kind" | "name" | "secretEncrypted">) {
  const target = readChannelTarget(channel);
  if (target.kind === "webhook") return { kind: target.kind, name: channel.name, url: target.url };
  if (target.kind === "pagerduty")
    return { kind: target.kind, name: channel.name, routingKey: target.routingKey };
  return { kind: target.kind, name: channel.name, ...target.smtp };
}

/** What an admin sees of a channel to edit it: never a URL, a password or a key; null when unreadable. */
export function channelSettingsOf(channel: Pick<NotificationChannel, "kind" | "secretEncrypted">): ChannelSettings | null {
  let target: ChannelTarget;
  try {
    target = readChannelTarget(channel);
  } catch {
    return null;
  }
  if (target.kind !== "email") return { kind: target.kind };
  const { password, ...shown } = target.smtp;
  return { kind: "email", ...shown, hasPassword: password !== "" };
}

/** What may be shown of a channel's target: a webhook URL's host, where mail goes, a key's last 4. */
export function displayTargetOf(input: ChannelInput): string {
  if (input.kind === "webhook") return new URL(input.url).host;
  if (input.kind === "pagerduty") return `PagerDuty Events v2 (key …${input.routingKey.slice(-4)})`;
  return `${input.to.join(", ")} via ${input.host}:${input.port}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The channel's decrypted target; a channel stored in an older shape is ChannelNotUsable. */
export function readChannelTarget(
  channel: Pick<NotificationChannel, "kind" | "secretEncrypted">,
): ChannelTarget {
  const plain = decryptSecret(channel.secretEncrypted, env().WALDEN_SECRET, CHANNEL_SECRET);
  if (channel.kind === "webhook") return { kind: "webhook", url: plain };
  if (channel.kind === "pagerduty") {
    const parsed = pagerDutySettingsSchema.safeParse(parseJson(plain));
    if (parsed.success) return { kind: "pagerduty", routingKey: parsed.data.routingKey };
    throw new ChannelNotUsable(
      "the PagerDuty channel's stored key is unreadable: delete the channel and create it again",
    );
  }
  if (channel.kind === "email") {
    const parsed = smtpSettingsSchema.safeParse(parseJson(plain));
    if (parsed.success) return { kind: "email", smtp: parsed.data };
    // Before SMTP existed an e-mail channel held one address and could not send.
    throw new ChannelNotUsable(
      "this e-mail channel has no SMTP server (it was created before Walden could send mail): delete it and create it again with the SMTP settings",
    );
  }
  throw new ChannelNotUsable(`unknown channel kind ${channel.kind}`);
}
