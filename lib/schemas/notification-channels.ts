import { z } from "zod";
import { locales } from "@/lib/i18n/locales";
import { monthSchema } from "@/lib/schemas/alerts";
import { emailSchema, hostSchema, passwordSchema, portSchema, uuidSchema } from "@/lib/schemas/common";

// Notification channels (POST /api/v1/notification-channels) and the monthly report's mailing
// (/api/v1/reports/mail*): what an admin sends, and what the API shows back. Secrets (a webhook
// URL, an SMTP password, a PagerDuty routing key) go in and never come out.

/** A webhook URL: http(s) only, no credentials in it. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without a user or password in it, like https://hooks.slack.com/services/…");

/**
 * How the SMTP connection is protected: `starttls` (port 587, upgraded and required), `tls`
 * (port 465, TLS from the first byte), `none` (a relay on a trusted network only).
 */
export const smtpTlsModes = ["starttls", "tls", "none"] as const;
export const smtpTlsSchema = z.enum(smtpTlsModes, { error: "must be starttls, tls or none" });
export type SmtpTls = z.infer<typeof smtpTlsSchema>;

/** The language of the e-mails a channel or the report mailing sends: en (default) or ko. */
export const mailLocaleSchema = z.enum(locales, { error: "must be en or ko" });

const channelNameSchema = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");

/** A list of addresses: at least one, at most 50, each checked. */
export const recipientsSchema = z
  .array(emailSchema)
  .min(1, "name at least one address")
  .max(50, "at most 50 addresses");

/** Addresses as a person types them in one box: separated by commas, semicolons or spaces. */
export function splitAddresses(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

export const smtpChannelSchema = z
  .strictObject({
    kind: z.literal("email"),
    name: channelNameSchema,
    host: hostSchema,
    port: portSchema.default(587),
    tls: smtpTlsSchema.default("starttls"),
    /** Empty: the server takes mail without signing in (a local relay). */
    user: z.string().trim().max(256, "must be at most 256 characters").default(""),
    password: passwordSchema.default(""),
    from: emailSchema,
    to: recipientsSchema,
    /** The language of the alert e-mails. */
    locale: mailLocaleSchema.default("en"),
  })
  .refine((value) => value.user === "" || value.password !== "", {
    path: ["password"],
    message: "is required when a user is given",
  });

/** A PagerDuty Events API v2 integration key: 32 characters, letters and digits. */
export const routingKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{32}$/, "must be the 32-character integration key of an Events API v2 integration");

export const channelInputSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("webhook"), name: channelNameSchema, url: webhookUrlSchema }),
    smtpChannelSchema,
    z.strictObject({ kind: z.literal("pagerduty"), name: channelNameSchema, routingKey: routingKeySchema }),
  ],
  { error: "kind must be webhook, email or pagerduty" },
);
export type ChannelInput = z.infer<typeof channelInputSchema>;
export type ChannelKind = ChannelInput["kind"];

/**
 * PATCH /api/v1/notification-channels/:id: any of the create fields. The channel's stored
 * settings are merged with these and the result is checked by channelInputSchema, so an edit
 * obeys the same rules as a create. A secret (url, password, routingKey) left out is kept.
 */
export const channelPatchSchema = z.record(z.string(), z.unknown());

/** The non-secret settings of a channel, shown so it can be edited (never a URL, password or key). */
export type ChannelSettings =
  | { kind: "webhook" }
  | { kind: "pagerduty" }
  | {
      kind: "email";
      host: string;
      port: number;
      tls: SmtpTls;
      user: string;
      from: string;
      to: string[];
      locale: z.infer<typeof mailLocaleSchema>;
      /** Whether a password is stored (it is never shown). */
      hasPassword: boolean;
    };

/** GET /api/v1/reports/mail-settings, and what PUT answers. */
export interface ReportMailSettings {
  enabled: boolean;
  /** The e-mail channel whose SMTP server sends the report; null: none chosen yet. */
  channelId: string | null;
  recipients: string[];
  /** The language of the report's e-mail and PDF. */
  locale: z.infer<typeof mailLocaleSchema>;
  updatedAt: string | null;
}

export const reportMailSettingsInputSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    channelId: uuidSchema.nullable(),
    recipients: z.array(emailSchema).max(50, "at most 50 addresses"),
    locale: mailLocaleSchema.default("en"),
  })
  .refine((value) => !value.enabled || value.channelId !== null, {
    path: ["channelId"],
    message: "choose the e-mail channel that sends the report",
  })
  .refine((value) => !value.enabled || value.recipients.length > 0, {
    path: ["recipients"],
    message: "name at least one address",
  });
export type ReportMailSettingsInput = z.input<typeof reportMailSettingsInputSchema>;

/** POST /api/v1/reports/mail: send a finished month's report now (default: last month). */
export const reportMailSendSchema = z.strictObject({ month: monthSchema.optional() });

/** One mailing, as GET /api/v1/reports/mailings lists it. */
export interface ReportMailingSummary {
  id: string;
  month: string;
  trigger: "scheduled" | "manual";
  status: "queued" | "sending" | "sent" | "failed";
  recipients: string[];
  error: string | null;
  pdfBytes: number | null;
  createdAt: string;
  sentAt: string | null;
}
