import fs from "node:fs/promises";
import type http from "node:http";
import path from "node:path";

// ListParts (GET /<bucket>/<key>?uploadId=…) for the demo's and the tests' s3rver, which does not
// implement it: AWS S3, MinIO and Ceph do, and a retried upload continues from the parts it
// lists (lib/offsite/put-file.ts). Read from the folder s3rver keeps an incomplete upload in
// (<bucket>/._S3rver_uploads/<uploadId>/<part number>, with <n>.md5 written once the part was
// received whole): only whole parts are listed, as S3 lists only parts it acknowledged.
// (docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html; one page: s3rver uploads are small.)

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Answers a ListParts request and returns true; false when the request is something else. */
export async function answerListParts(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  directory: string,
): Promise<boolean> {
  if (request.method !== "GET" || !request.url) return false;
  const url = new URL(request.url, "http://s3");
  const uploadId = url.searchParams.get("uploadId");
  const [, bucket, ...keyParts] = url.pathname.split("/");
  if (!uploadId || !bucket || !keyParts.length || !/^[0-9a-f]+$/.test(uploadId)) return false;
  const key = decodeURIComponent(keyParts.join("/"));
  const uploadDir = path.join(directory, decodeURIComponent(bucket), "._S3rver_uploads", uploadId);
  let names: string[];
  try {
    names = await fs.readdir(uploadDir);
  } catch {
    response.writeHead(404, { "content-type": "application/xml" });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xmlEscape(uploadId)}</UploadId></Error>`,
    );
    return true;
  }
  const parts: string[] = [];
  const numbers = names
    .filter((name) => /^\d+\.md5$/.test(name))
    .map((name) => Number(name.slice(0, -4)))
    .sort((a, b) => a - b);
  for (const number of numbers) {
    const file = path.join(uploadDir, String(number));
    const [md5, stat] = await Promise.all([fs.readFile(`${file}.md5`, "utf8"), fs.stat(file)]);
    parts.push(
      `<Part><PartNumber>${number}</PartNumber><LastModified>${stat.mtime.toISOString()}</LastModified><ETag>&quot;${xmlEscape(md5.trim())}&quot;</ETag><Size>${stat.size}</Size></Part>`,
    );
  }
  response.writeHead(200, { "content-type": "application/xml" });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(decodeURIComponent(bucket))}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join("")}</ListPartsResult>`,
  );
  return true;
}
