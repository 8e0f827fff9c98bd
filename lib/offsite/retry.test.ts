import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryWithBackoff } from "./retry";
import { describeStorageError, StorageError } from "./storage-errors";

const target = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme" };
const refused = () => new StorageError("connection refused", "ECONNREFUSED", true);

describe("retryWithBackoff", () => {
  it("retries what waiting can cure, until it works", async () => {
    const seen: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw refused();
        return "copied";
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe("copied");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("fails at once on what waiting cannot cure (a wrong secret)", async () => {
    let tries = 0;
    const wrongSecret = new StorageError("refused", "SignatureDoesNotMatch", false);
    await expect(
      retryWithBackoff(
        async () => {
          tries++;
          throw wrongSecret;
        },
        { initialDelayMs: 1 },
      ),
    ).rejects.toBe(wrongSecret);
    expect(tries).toBe(1);
  });

  it("gives up after its attempts, with the last error", async () => {
    let tries = 0;
    await expect(
      retryWithBackoff(
        async () => {
          tries++;
          throw refused();
        },
        { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toThrow("connection refused");
    expect(tries).toBe(3);
  });

  it("backs off exponentially, capped, with jitter in the upper half", () => {
    expect(backoffDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelayMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

describe("describeStorageError", () => {
  it("finds a refused connection inside an AggregateError (several addresses tried)", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED ::1:9000"), { code: "ECONNREFUSED" });
    const described = describeStorageError(new AggregateError([inner], ""), {
      ...target,
      endpoint: "http://localhost:9000",
    });
    expect(described.message).toBe(
      "connection refused at localhost:9000: is the endpoint right and the storage running?",
    );
    expect(described.retryable).toBe(true);
  });

  it("names an untrusted certificate and how to fix it", () => {
    const error = Object.assign(new Error("self-signed certificate"), {
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    const described = describeStorageError(error, target);
    expect(described.message).toMatch(/TLS certificate at s3\.eu-west-1\.amazonaws\.com:443 is not trusted/);
    expect(described.retryable).toBe(false);
  });

  it("treats a failing or busy storage as retryable, a denied one as not", () => {
    const serverError = Object.assign(new Error("boom"), {
      name: "Weird",
      $metadata: { httpStatusCode: 502 },
    });
    expect(describeStorageError(serverError, target).retryable).toBe(true);
    const slowDown = Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown" });
    expect(describeStorageError(slowDown, target).retryable).toBe(true);
    const denied = Object.assign(new Error("Access Denied"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    const described = describeStorageError(denied, target);
    expect(described.retryable).toBe(false);
    expect(described.message).toMatch(/denied access to bucket acme \(AccessDenied\).*s3:PutObject/);
  });

  it("names a wrong region", () => {
    const error = Object.assign(new Error("redirect"), {
      name: "PermanentRedirect",
      $metadata: { httpStatusCode: 301 },
    });
    expect(describeStorageError(error, target).message).toMatch(/in another region/);
  });
});
