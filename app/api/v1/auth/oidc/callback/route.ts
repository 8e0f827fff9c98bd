import { oidcCallbackResponse } from "@/lib/auth/oidc/http";
import { withPublicRoute } from "@/lib/route";

// GET /api/v1/auth/oidc/callback?code&state — the identity provider's answer: a session, or the login page with ?error=
export const GET = withPublicRoute(oidcCallbackResponse);
