import nodemailer from "nodemailer";
import type { SmtpSettings } from "./target";

// Mail through the SMTP server an e-mail channel names, with nodemailer (a maintained client
// that speaks STARTTLS, implicit TLS and AUTH). One connection per message: alerts are rare,
// and a pooled connection to a server that restarted is one more way to lose one.

/** How long connecting, the greeting and each command may take before the attempt fails. */
export const SMTP_TIMEOUT_MS = 10_000;

export interface MailMessage {
  /** Default: the channel's own recipients. */
  to?: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailResult {
  ok: boolean;
  /** The server's reply to the message ("250 OK: queued as …"), or why it failed. */
  response: string | null;
  error: string | null;
}

function transportOptions(smtp: SmtpSettings) {
  return {
    host: smtp.host,
    port: smtp.port,
    // tls: TLS from the first byte; starttls: upgraded and required (never falls back to clear text).
    secure: smtp.tls === "tls",
    requireTLS: smtp.tls === "starttls",
    ignoreTLS: smtp.tls === "none",
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    tls: { servername: smtp.host },
  };
}

/** nodemailer's error as a person reads it: the server's code and words, or what went wrong on the way. */
function smtpErrorText(error: unknown, smtp: SmtpSettings): string {
  const { code, responseCode, response, message } = error as {
    code?: string;
    responseCode?: number;
    response?: string;
    message?: string;
  };
  if (code === "EAUTH") return `the SMTP server refused the user or password (${response ?? message})`;
  if (responseCode && response) return `SMTP ${responseCode}: ${response}`;
  if (code === "ECONNECTION" || code === "ETIMEDOUT" || code === "ESOCKET" || code === "EDNS")
    return `could not talk to ${smtp.host}:${smtp.port} (${code}: ${message})`;
  return message ?? String(error);
}

export async function sendMail(smtp: SmtpSettings, message: MailMessage): Promise<MailResult> {
  const transport = nodemailer.createTransport(transportOptions(smtp));
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: message.to ?? smtp.to,
      subject: message.subject,
      text: message.text,
      attachments: message.attachments,
      headers: { "X-Mailer": "Walden" },
    });
    return { ok: true, response: info.response ?? null, error: null };
  } catch (error) {
    return { ok: false, response: null, error: smtpErrorText(error, smtp) };
  } finally {
    transport.close();
  }
}
