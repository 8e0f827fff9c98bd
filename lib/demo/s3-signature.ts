import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type http from "node:http";

// s3rver checks only the old V2 signatures: with SigV4 (what every current SDK sends) it
// accepts any secret. A storage that accepts a wrong secret would hide the most common setup
// mistake, so the demo's and the tests' server checks SigV4 header signatures itself, before s3rver sees the
// request, and answers SignatureDoesNotMatch as S3 does.
// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html)

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return "";
  return rawQuery
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      return equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    })
    .sort(([keyA = "", valueA = ""], [keyB = "", valueB = ""]) =>
      keyA === keyB ? (valueA < valueB ? -1 : 1) : keyA < keyB ? -1 : 1,
    )
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/** The request's SigV4 signature is right for `secret`; null when it is not signed with SigV4 in a header. */
export function sigV4Matches(request: http.IncomingMessage, secrets: Record<string, string>): boolean | null {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? "");
  if (!match) return null;
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] =
    match;
  const secret = secrets[accessKeyId];
  // An unknown key is s3rver's to refuse (InvalidAccessKeyId).
  if (secret === undefined) return null;
  const [path = "/", query = ""] = (request.url ?? "/").split(/\?(.*)/s);
  const headerLines = signedHeaders
    .split(";")
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(query),
    headerLines,
    signedHeaders,
    request.headers["x-amz-content-sha256"] ?? sha256Hex(""),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    String(request.headers["x-amz-date"] ?? ""),
    scope,
    sha256Hex(canonicalRequest),
  ].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  const expected = hmac(signingKey, stringToSign);
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

/** Answers 403 SignatureDoesNotMatch as S3 does, after reading the body (so the client sees the answer, not a reset). */
export function refuseSignature(request: http.IncomingMessage, response: http.ServerResponse): void {
  request.resume();
  request.on("end", () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
      "<Message>The request signature we calculated does not match the signature you provided. " +
      "Check your key and signing method.</Message></Error>";
    response.writeHead(403, { "Content-Type": "application/xml" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
}
