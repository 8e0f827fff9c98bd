import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server on 127.0.0.1 for the pg tests (npm smtp-server): it signs in one user,
// takes every message and keeps it parsed (mailparser), so a test reads what was delivered:
// envelope, headers, body and attachments.

export interface ReceivedMail {
  /** The envelope's sender and recipients, as the client sent them (MAIL FROM / RCPT TO). */
  from: string | null;
  to: string[];
  /** Who signed in (AUTH), null without. */
  user: string | null;
  mail: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Resolves once `count` messages have arrived in all (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** The body of POST /api/v1/notification-channels for an e-mail channel that sends to this server. */
export function emailChannelBody(
  server: TestSmtpServer,
  credentials: { user: string; password: string },
  fields: { name: string } & Record<string, unknown>,
) {
  return {
    kind: "email",
    host: "127.0.0.1",
    port: server.port,
    tls: "none",
    user: credentials.user,
    password: credentials.password,
    from: "walden@example.test",
    to: ["oncall@example.test"],
    ...fields,
  };
}

export async function startSmtpServer(
  port: number,
  credentials: { user: string; password: string },
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Clear text on loopback: the channel under test uses tls "none"; STARTTLS would need a certificate.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password)
        return callback(null, { user: auth.username });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === "string" ? session.user : null,
            mail,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port,
    received,
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`the SMTP server received ${received.length} messages, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
