import { Worker } from "node:worker_threads";

// SHA-256 on a second thread, so that an encrypted backup's two digests (of the plaintext and of
// the ciphertext) run on the core beside the one sealing it: together they cost as much CPU as
// the encryption itself. One worker per process, started on first use and never keeping the
// process alive. Its code is plain JavaScript given inline, so it runs the same under the
// worker (tsx), the tests (vitest) and plain node, with nothing to compile.

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const hashes = new Map();
parentPort.on("message", (message) => {
  if (message.op === "update") {
    let hash = hashes.get(message.id);
    if (!hash) hashes.set(message.id, (hash = createHash("sha256")));
    hash.update(message.data);
    parentPort.postMessage({ op: "updated", bytes: message.data.length });
  } else {
    const hash = hashes.get(message.id) || createHash("sha256");
    hashes.delete(message.id);
    parentPort.postMessage({ op: "digest", id: message.id, hex: hash.digest("hex") });
  }
});
`;

/** Bytes sent and not hashed yet past which update() waits: memory stays bounded. */
const MAX_QUEUED_BYTES = 32 << 20;

class HashThread {
  private readonly worker: Worker;
  private readonly digests = new Map<
    number,
    { resolve: (hex: string) => void; reject: (error: Error) => void }
  >();
  private drained: (() => void)[] = [];
  private queuedBytes = 0;
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", (message: { op: string; id?: number; hex?: string; bytes?: number }) => {
      if (message.op === "updated") {
        this.queuedBytes -= message.bytes!;
        if (this.queuedBytes <= MAX_QUEUED_BYTES) for (const wake of this.drained.splice(0)) wake();
        return;
      }
      this.digests.get(message.id!)?.resolve(message.hex!);
      this.digests.delete(message.id!);
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`the SHA-256 thread exited (code ${code})`)));
  }

  newId(): number {
    return this.nextId++;
  }

  /**
   * Sends `data` to be hashed: moved when `handOver` and it is a whole buffer of its own (it is
   * unusable after), else copied (the caller may reuse its buffer at once). Waits while too much
   * is queued.
   */
  async update(id: number, data: Uint8Array, handOver: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    const whole = handOver && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const sent = whole ? data : Uint8Array.prototype.slice.call(data);
    this.queuedBytes += sent.length;
    this.worker.postMessage({ op: "update", id, data: sent }, [sent.buffer as ArrayBuffer]);
    if (this.queuedBytes > MAX_QUEUED_BYTES) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  digest(id: number): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.digests.set(id, { resolve, reject });
      this.worker.postMessage({ op: "digest", id });
    });
  }

  private fail(error: Error): void {
    this.failure = error;
    if (thread === this) thread = null;
    for (const pending of this.digests.values()) pending.reject(error);
    this.digests.clear();
    for (const wake of this.drained.splice(0)) wake();
  }
}

let thread: HashThread | null = null;

/** A SHA-256 computed on the hash thread: update() in order, then digest() once. */
export class ThreadedSha256 {
  private readonly thread = (thread ??= new HashThread());
  private readonly id = this.thread.newId();

  /** Hashes a copy of `data`: the caller may reuse its buffer as soon as this is called. */
  update(data: Uint8Array): Promise<void> {
    return this.thread.update(this.id, data, false);
  }

  /** Hashes `data` without copying when it is a whole buffer: the caller must not touch it again. */
  updateAndHandOver(data: Uint8Array): Promise<void> {
    return this.thread.update(this.id, data, true);
  }

  /** The hex digest of everything updated (each update was sent before this, so it is included). */
  digest(): Promise<string> {
    return this.thread.digest(this.id);
  }
}
