-- Up Migration
-- Sign-in throttling that holds under parallel attempts and cannot be turned against a user
-- (issue 13): attempts are counted per account-and-address and per address, reserved atomically
-- before the password is checked.

CREATE TABLE sign_in_throttle (
  key text PRIMARY KEY,
  window_started_at timestamp(3) with time zone NOT NULL,
  attempts integer NOT NULL
);

-- TLS to monitored servers, per node: libpq's sslmode names, and the CA that signs the
-- server's certificate (PEM, encrypted like the password) for verify-ca / verify-full.
ALTER TABLE nodes ADD COLUMN sslmode text NOT NULL DEFAULT 'prefer'
  CHECK (sslmode IN ('disable', 'prefer', 'require', 'verify-ca', 'verify-full'));
ALTER TABLE nodes ADD COLUMN ssl_root_cert_encrypted text;
