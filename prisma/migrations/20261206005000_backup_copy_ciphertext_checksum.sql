-- Up Migration
-- The offsite copy of a backup encrypted at rest (issue 14) is its ciphertext: <file>.age
-- objects listed with their SHA-256 in SHA256SUMS.ciphertext. The catalog keeps that list's
-- SHA-256 beside the copy's checksum (the plaintext SHA256SUMS's), so a restore, a drill or a
-- verification checks the list it fetches, then each object against the list.

ALTER TABLE backup_copies ADD COLUMN ciphertext_checksum text;

-- Down Migration
ALTER TABLE backup_copies DROP COLUMN ciphertext_checksum;
