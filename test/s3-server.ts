// The tests' S3 protocol server is the demo's (lib/demo/s3-server.ts): one implementation, so the
// demo never imports test/ and the tests exercise what a newcomer sees.
export { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from "@/lib/demo/s3-server";
