// npm start — Walden's web server: Next's request handler behind a thin Node HTTP server that
// listens on loopback unless WALDEN_LISTEN_HOST says otherwise, and rewrites X-Forwarded-*
// headers so only configured proxies (WALDEN_TRUSTED_PROXIES) are believed (lib/web/forwarded.ts).
import http from "node:http";
import type { TLSSocket } from "node:tls";
import v8 from "node:v8";
import next from "next";
import { env } from "@/lib/env";
import { parseTrustedProxies, rewriteForwardedHeaders } from "@/lib/web/forwarded";
import { createAdmission } from "@/lib/web/admission";
import { forgetSharedReads } from "@/lib/web/shared-read";

// tsx (which runs this file) turns Node's source maps on for the whole process, so every chunk
// Next loads from .next/server had its .map file (70+ MB in all) read and kept parsed on the
// heap: about 115 MB of the server's heap at rest, and stack traces mapped at every Error's
// stack. Next's own `next start` runs without them; errors here name the built chunks instead.
process.setSourceMapsEnabled(false);

// Under a steady load V8 let the heap grow to about three times what stays live before a full
// collection (the load bench: 150 MiB live, 480 MiB of heap, RSS 720 MiB). Growing it by half
// after each full collection keeps it near what is live, for more frequent (mostly concurrent)
// full collections. V8 reads this at every collection, so setting it here, before Next loads, holds.
v8.setFlagsFromString("--heap-growing-percent=50");

const READ_METHODS = new Set(["GET", "HEAD"]);
/** Requests worked on at once (lib/web/admission.ts); the slowest (a PDF report) wait on the worker. */
const MAX_CONCURRENT_REQUESTS = 32;

async function main(): Promise<void> {
  const settings = env();
  const trusted = parseTrustedProxies(settings.WALDEN_TRUSTED_PROXIES);
  const app = next({ dev: false, hostname: settings.WALDEN_LISTEN_HOST, port: settings.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const admission = createAdmission(MAX_CONCURRENT_REQUESTS);

  const server = http.createServer((req, res) => {
    const { set, remove } = rewriteForwardedHeaders(
      {
        peer: req.socket.remoteAddress ?? "",
        encrypted: Boolean((req.socket as TLSSocket).encrypted),
        headers: req.headers,
      },
      trusted,
    );
    for (const name of remove) delete req.headers[name];
    Object.assign(req.headers, set);
    if (!READ_METHODS.has(req.method ?? "GET")) {
      // A change (API call or form): reads started before it ends must not answer those after it.
      forgetSharedReads();
      res.on("close", forgetSharedReads);
    }
    admission.admit((release) => {
      res.on("close", release);
      // The client gave up while waiting its turn: nothing to answer.
      if (res.destroyed || req.socket.destroyed) return release();
      handle(req, res).catch((error: unknown) => {
        console.error("[web] request failed:", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal_server_error", message: "Internal error" } }));
      });
    });
  });
  // Node closes an idle keep-alive connection after 5 s by default. A client (a proxy, a script,
  // Playwright's request context) that sends on it at that moment gets ECONNRESET: a CI run saw
  // one. Idle connections live 65 s instead, longer than the usual proxies' own idle timeouts
  // (nginx's upstream keepalive_timeout is 60 s), so the client closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(settings.PORT, settings.WALDEN_LISTEN_HOST, () => {
    console.log(`Walden web listening on http://${settings.WALDEN_LISTEN_HOST}:${settings.PORT}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
