// What went wrong talking to S3-compatible storage, in words an admin can act on: the S3 error
// code or the socket error is named in parentheses, the cause is said in front of it. Whether
// trying again can help is decided here too, once, for every caller's retry loop.

export interface StorageTarget {
  endpoint: string;
  bucket: string;
}

export class StorageError extends Error {
  constructor(
    message: string,
    /** The S3 error code or socket error ("SignatureDoesNotMatch", "ECONNREFUSED"). */
    readonly code: string,
    /** Trying again later can succeed: the storage was unreachable, busy or failing. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageError";
  }
}

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const fieldsOf = (error: unknown): ErrorFields => (typeof error === "object" && error !== null ? error : {});

/** The socket-level code (ECONNREFUSED…), looking into AggregateError and causes. */
function socketCode(error: unknown, depth = 0): string | undefined {
  const fields = fieldsOf(error);
  if (typeof fields.code === "string" && /^E[A-Z_]+$|^ERR_|CERT|SELF_SIGNED|UNABLE_TO/.test(fields.code)) {
    return fields.code;
  }
  if (depth > 3) return undefined;
  if (Array.isArray(fields.errors)) {
    for (const inner of fields.errors) {
      const code = socketCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return fields.cause ? socketCode(fields.cause, depth + 1) : undefined;
}

function hostOf(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.port
      ? `${url.hostname}:${url.port}`
      : `${url.hostname}:${url.protocol === "http:" ? 80 : 443}`;
  } catch {
    return endpoint;
  }
}

const RETRYABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/** A storage failure as a StorageError; one already described is returned as it is. */
export function describeStorageError(error: unknown, target: StorageTarget): StorageError {
  if (error instanceof StorageError) return error;
  const fields = fieldsOf(error);
  const host = hostOf(target.endpoint);
  const socket = socketCode(error);
  const name = typeof fields.name === "string" ? fields.name : "";
  const status = fields.$metadata?.httpStatusCode;
  const detail = typeof fields.message === "string" ? fields.message : String(error);
  const make = (message: string, code: string, retryable: boolean) =>
    new StorageError(message, code, retryable, { cause: error });

  if (socket === "ECONNREFUSED") {
    return make(
      `connection refused at ${host}: is the endpoint right and the storage running?`,
      socket,
      true,
    );
  }
  if (socket === "ENOTFOUND") {
    return make(
      `the host of ${target.endpoint} is not found (ENOTFOUND): check the endpoint's name`,
      socket,
      false,
    );
  }
  if (socket === "EAI_AGAIN") {
    return make(`the host of ${target.endpoint} could not be looked up right now (EAI_AGAIN)`, socket, true);
  }
  if (socket === "ECONNRESET" || socket === "EPIPE" || socket === "ECONNABORTED") {
    return make(`the storage at ${host} closed the connection mid-request (${socket})`, socket, true);
  }
  if (socket === "ETIMEDOUT" || name === "TimeoutError" || name === "RequestTimeout") {
    return make(`no answer from the storage at ${host} in time (${socket ?? name})`, socket ?? name, true);
  }
  if (socket && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(socket)) {
    return make(
      `the storage's TLS certificate at ${host} is not trusted (${socket}): use a certificate from a public CA, or add the CA to the worker's trust store (NODE_EXTRA_CA_CERTS)`,
      socket,
      false,
    );
  }
  if (socket && RETRYABLE_SOCKET_CODES.has(socket)) {
    return make(`the storage at ${host} cannot be reached (${socket})`, socket, true);
  }
  switch (name) {
    case "SignatureDoesNotMatch":
      return make("the storage refused the access key or secret (SignatureDoesNotMatch)", name, false);
    case "InvalidAccessKeyId":
      return make("the storage does not know this access key ID (InvalidAccessKeyId)", name, false);
    case "NoSuchBucket":
      return make(`bucket ${target.bucket} does not exist at ${target.endpoint}`, name, false);
    case "AccessDenied":
    case "Forbidden":
      return make(
        `the storage denied access to bucket ${target.bucket} (${name}): the key lacks a permission Walden needs (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject), or the secret is wrong`,
        name,
        false,
      );
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return make(
        `bucket ${target.bucket} is in another region than the one given (${name}): fix the region`,
        name,
        false,
      );
    case "SlowDown":
    case "ServiceUnavailable":
    case "InternalError":
      return make(`the storage is busy or failing (${name}); it will be tried again`, name, true);
  }
  if (status === 404 && name === "NotFound") {
    return make(`not found at ${target.endpoint} in bucket ${target.bucket} (NotFound)`, name, false);
  }
  if (status !== undefined && status >= 500) {
    return make(
      `the storage answered HTTP ${status} (${name || "server error"}): ${detail}`,
      name || "HTTP5xx",
      true,
    );
  }
  if (status === 429) return make(`the storage asks to slow down (HTTP 429)`, name || "HTTP429", true);
  return make(
    `${detail}${name && !detail.includes(name) ? ` (${name}${status ? `, HTTP ${status}` : ""})` : ""}`,
    name || socket || "unknown",
    false,
  );
}

/** Trying again can help: the storage was unreachable, busy or failing, or a download was cut. */
export function isRetryable(error: unknown): boolean {
  return error instanceof StorageError && error.retryable;
}
