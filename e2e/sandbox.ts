import fs from "node:fs";
import path from "node:path";
import { startSandbox } from "../lib/sandbox";

export const e2eHome = path.resolve(process.env.WALDEN_E2E_HOME ?? ".walden-e2e");
export const e2ePgPort = Number(process.env.WALDEN_E2E_PG_PORT ?? 25420);

export interface SandboxJson {
  url: string;
  tokens: { admin: string; operator: string; viewer: string };
  users: { email: string; password: string; role: "admin" | "operator" | "viewer" }[];
  catalog: { host: string; port: number; database: string; user: string };
  clusters: {
    id: string;
    name: string;
    primary: { host: string; port: number; user: string; database: string };
    standbys: { name: string; host: string; port: number }[];
    archiveDir: string;
  }[];
}

/** What the demo wrote for this run: logins, tokens, ports. */
export function readSandboxJson(): SandboxJson {
  return JSON.parse(fs.readFileSync(path.join(e2eHome, "sandbox.json"), "utf8")) as SandboxJson;
}

/** The running sandbox, with passwords (startSandbox is idempotent: it only reads what the demo started). */
export function sandboxInfo() {
  return startSandbox({ home: e2eHome, basePort: e2ePgPort });
}
