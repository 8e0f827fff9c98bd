import { createServer, type Server } from "node:http";
import { NextRequest } from "next/server";

// A real HTTP endpoint for one route handler, so a real Prometheus server can scrape it: pg
// tests start no Next.js server (they call handlers in-process, test/api-client.ts); this puts
// a plain node:http server on 127.0.0.1 in front of the same handler, headers passed through.

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ServedRoute {
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function serveRoute(handler: Handler, port: number): Promise<ServedRoute> {
  let requests = 0;
  const server: Server = createServer(async (incoming, outgoing) => {
    requests += 1;
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers))
      if (typeof value === "string") headers.set(name, value);
    const request = new NextRequest(new URL(incoming.url ?? "/", `http://127.0.0.1:${port}`), {
      method: incoming.method,
      headers,
    });
    try {
      const response = await handler(request, { params: Promise.resolve({}) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((listening, failed) => {
    server.once("error", failed);
    server.listen(port, "127.0.0.1", listening);
  });
  return {
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
