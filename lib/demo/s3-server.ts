import fs from "node:fs/promises";
import http from "node:http";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import { answerListParts } from "./s3-list-parts";
import { refuseSignature, sigV4Matches } from "./s3-signature";

// A real S3 protocol server for the demo (npm run demo) and the tests (test/s3-server.ts):
// s3rver serving a folder on 127.0.0.1, with SigV4 signatures checked (s3-signature.ts), so a
// wrong secret is refused as by S3.
// Started in this process; stop() closes it, and stop({ abrupt: true }) also cuts every open
// connection at once, as a storage that goes away mid-upload does. Start it again on the same
// folder and port and the objects (and incomplete multipart uploads) are still there.

/** s3rver's one account: any other key or secret is refused, as a real storage would. */
export const S3_TEST_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface S3TestServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  directory: string;
  /** Repository settings for `bucket` on this server (path-style, s3rver's credentials). */
  settings(bucket: string, prefix?: string): OffsiteRepositorySettings;
  createBucket(name: string): Promise<void>;
  stop(options?: { abrupt?: boolean }): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", timeout: 1_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} on 127.0.0.1 is taken: stop what listens there, or choose another`)
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Starts s3rver on 127.0.0.1:`port` serving `directory` (created if missing), with `buckets`, and waits until it answers. */
export async function startS3Server(options: {
  port: number;
  directory: string;
  buckets?: string[];
  /** Sees every request as it arrives (tests count the parts a retry sends). */
  onRequest?: (request: http.IncomingMessage) => void;
}): Promise<S3TestServer> {
  const { port, directory } = options;
  await fs.mkdir(directory, { recursive: true });
  const app = new S3rver({
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  await app.configureBuckets();
  const handle = app.callback();
  const secrets = { [S3_TEST_CREDENTIALS.accessKeyId]: S3_TEST_CREDENTIALS.secretAccessKey };
  const server = http.createServer((request, response) => {
    options.onRequest?.(request);
    if (sigV4Matches(request, secrets) === false) refuseSignature(request, response);
    else
      void answerListParts(request, response, directory).then(
        (answered) => answered || handle(request, response),
      );
  });
  await listen(server, port);
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline) throw new Error(`s3rver on 127.0.0.1:${port} did not answer within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = (bucket: string, prefix?: string): OffsiteRepositorySettings => ({
    kind: "s3",
    endpoint,
    region: "us-east-1",
    bucket,
    prefix,
    forcePathStyle: true,
    ...S3_TEST_CREDENTIALS,
  });
  return {
    endpoint,
    port,
    directory,
    settings,
    async createBucket(name) {
      const client = new S3Client({
        endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: S3_TEST_CREDENTIALS,
      });
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
    async stop(stopOptions = {}) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (stopOptions.abrupt) server.closeAllConnections();
      else server.closeIdleConnections();
      await closed;
    },
  };
}
