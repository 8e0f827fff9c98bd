-- Up Migration
-- Single sign-on with OpenID Connect (issue 13): one row of settings (the client secret
-- encrypted like a server password), and users tied to the identity provider's account by
-- (issuer, subject), which unlike an email never changes hands.

CREATE TABLE oidc_settings (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  enabled boolean NOT NULL DEFAULT false,
  provider_name text NOT NULL,
  issuer_url text NOT NULL,
  client_id text NOT NULL,
  client_secret_encrypted text NOT NULL,
  scopes text NOT NULL,
  role_claim text NOT NULL,
  -- [{ "value": "dba-team", "role": "admin" }, …]: the claim's value that gives each role.
  role_mappings jsonb NOT NULL,
  local_accounts_enabled boolean NOT NULL DEFAULT true,
  break_glass_email text,
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  -- Password sign-in off with nobody allowed a password would lock every admin out.
  CHECK (local_accounts_enabled OR break_glass_email IS NOT NULL)
);

ALTER TABLE users ADD COLUMN oidc_issuer text;
ALTER TABLE users ADD COLUMN oidc_subject text;
ALTER TABLE users ADD CONSTRAINT users_oidc_identity_both
  CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
CREATE UNIQUE INDEX users_oidc_issuer_oidc_subject_key ON users (oidc_issuer, oidc_subject);

-- Down Migration
DROP INDEX users_oidc_issuer_oidc_subject_key;
ALTER TABLE users DROP CONSTRAINT users_oidc_identity_both;
ALTER TABLE users DROP COLUMN oidc_subject;
ALTER TABLE users DROP COLUMN oidc_issuer;
DROP TABLE oidc_settings;
