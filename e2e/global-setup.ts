import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { e2eHome, e2ePgPort } from "./sandbox";
import { e2ePort } from "../playwright.config";

// Starts the real demo (sandbox, migrations, seed, worker, the web app as `npm start` runs it)
// for the browser tests, and returns the teardown that stops it the way a user would (SIGTERM).
export default async function globalSetup(): Promise<() => Promise<void>> {
  fs.rmSync(path.join(e2eHome, "sandbox.json"), { force: true });
  const demo = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/demo.ts"], {
    env: {
      ...process.env,
      WALDEN_HOME: e2eHome,
      WALDEN_PG_PORT: String(e2ePgPort),
      PORT: String(e2ePort),
      WALDEN_RESTORE_PORTS: process.env.WALDEN_E2E_RESTORE_PORTS ?? "27100-27199",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Walden is ready")) resolve();
    };
    demo.stdout.on("data", onData);
    demo.stderr.on("data", onData);
    demo.once("exit", (code) =>
      reject(new Error(`npm run demo exited with ${code} before it was ready:\n${output.slice(-4000)}`)),
    );
  });
  // The demo runs `next build` first on a fresh clone: over 4 minutes on a busy 2-core machine.
  // The limit only catches a demo that hangs; it must not race a slow build.
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`demo not ready after 900 s:\n${output.slice(-4000)}`)), 900_000),
  );
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    demo.kill("SIGTERM");
    throw error;
  }

  return async () => {
    const exited = new Promise((resolve) => demo.once("exit", resolve));
    demo.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  };
}
