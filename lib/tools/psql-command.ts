// The one psql command line Walden prints for a person to paste: the demo's banner and
// sandbox.json, and restored instances. Pure text, like shell-quote.ts (nothing is run here).
import { shellQuote } from "./shell-quote";

export interface PsqlTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Given, it goes in front as PGPASSWORD=… so the line runs as pasted (local sandboxes only). */
  password?: string;
}

/** Words a POSIX shell reads literally; anything else is single-quoted. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

function word(value: string): string {
  return PLAIN_WORD.test(value) ? value : shellQuote(value);
}

/** `[PGPASSWORD=… ]psql -h <host> -p <port> -U <user> -d <database>`, each word quoted when it must be. */
export function psqlCommand(target: PsqlTarget): string {
  const command = `psql -h ${word(target.host)} -p ${target.port} -U ${word(target.user)} -d ${word(target.database)}`;
  return target.password === undefined ? command : `PGPASSWORD=${shellQuote(target.password)} ${command}`;
}
