import { oidcStartResponse } from "@/lib/auth/oidc/http";
import { withPublicRoute } from "@/lib/route";

// GET /api/v1/auth/oidc/start?next=/path — single sign-on: a redirect to the identity provider
export const GET = withPublicRoute(oidcStartResponse);
