import type { Role } from "@/lib/auth/roles";

/** Who is making a request: a signed-in user (cookie) or an API token. */
export interface Actor {
  kind: "session" | "token";
  userId: string;
  email: string;
  role: Role;
  /** The token id when kind is "token". */
  tokenId?: string;
  /** What the audit log shows: the email, plus the token name for tokens. */
  label: string;
}

/** Request facts the audit log keeps beside the actor. */
export interface RequestMeta {
  ip?: string;
}
