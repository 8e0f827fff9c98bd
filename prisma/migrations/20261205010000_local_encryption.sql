-- Up Migration
-- Backups encrypted at rest in the local repository (issue 14): per cluster, the age recipient
-- new backups are encrypted to and, optionally, its identity sealed under WALDEN_SECRET (so
-- verification, drills and restores can decrypt); per backup, the recipient it is encrypted to
-- (null: plain files) and how far its last verification could look (full, or the ciphertext
-- only when no key was at hand).

ALTER TABLE clusters ADD COLUMN local_encryption_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE clusters ADD COLUMN local_encryption_recipient text;
ALTER TABLE clusters ADD COLUMN local_encryption_identity_encrypted text;
ALTER TABLE clusters ADD CONSTRAINT clusters_local_encryption_recipient_check
  CHECK (NOT local_encryption_enabled OR local_encryption_recipient IS NOT NULL);

ALTER TABLE backups ADD COLUMN encryption_recipient text;
ALTER TABLE backups ADD COLUMN verify_scope text CHECK (verify_scope IN ('full', 'ciphertext'));

-- Down Migration
ALTER TABLE backups DROP COLUMN verify_scope;
ALTER TABLE backups DROP COLUMN encryption_recipient;
ALTER TABLE clusters DROP CONSTRAINT clusters_local_encryption_recipient_check;
ALTER TABLE clusters DROP COLUMN local_encryption_identity_encrypted;
ALTER TABLE clusters DROP COLUMN local_encryption_recipient;
ALTER TABLE clusters DROP COLUMN local_encryption_enabled;
