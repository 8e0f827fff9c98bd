import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";

// Monitored-server passwords at rest. The purpose string binds each ciphertext to its use.
const NODE_PASSWORD = "node-password";

export function encryptNodePassword(password: string): string {
  return encryptSecret(password, env().WALDEN_SECRET, NODE_PASSWORD);
}

export function decryptNodePassword(stored: string): string {
  return decryptSecret(stored, env().WALDEN_SECRET, NODE_PASSWORD);
}

// A node's CA certificate is not secret in itself, but which CA a server trusts is part of its
// connection settings, stored like the password (issue 13) under its own purpose.
const NODE_ROOT_CERT = "node-root-cert";

export function encryptNodeRootCert(pem: string): string {
  return encryptSecret(pem, env().WALDEN_SECRET, NODE_ROOT_CERT);
}

export function decryptNodeRootCert(stored: string): string {
  return decryptSecret(stored, env().WALDEN_SECRET, NODE_ROOT_CERT);
}
