-- Up Migration
-- Multipart uploads to the offsite repository resumable per part across a worker restart
-- (issue 14): the upload a try began for an object (storage, bucket, key), and each part the
-- storage answered for (its ETag, size and a CRC-32 of the bytes sent). The next try, in this
-- worker or another, confirms them with ListParts and sends only the others. A row goes when its
-- upload completes or is given up.

CREATE TABLE offsite_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  endpoint text NOT NULL,
  bucket text NOT NULL,
  object_key text NOT NULL,
  upload_id text NOT NULL,
  part_size bigint NOT NULL,
  -- The file the parts are read from: other bytes under the same key start a new upload.
  plaintext_sha256 text NOT NULL,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offsite_uploads_endpoint_bucket_object_key_key
  ON offsite_uploads (endpoint, bucket, object_key);

CREATE TABLE offsite_upload_parts (
  upload_row_id uuid NOT NULL REFERENCES offsite_uploads (id) ON DELETE CASCADE ON UPDATE CASCADE,
  part_number integer NOT NULL,
  etag text NOT NULL,
  size_bytes bigint NOT NULL,
  checksum text NOT NULL,
  PRIMARY KEY (upload_row_id, part_number)
);

-- Down Migration
DROP TABLE offsite_upload_parts;
DROP TABLE offsite_uploads;
