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
