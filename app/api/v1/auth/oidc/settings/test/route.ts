import { testOidcDiscovery } from "@/lib/auth/oidc/settings";
import { readJson, withRoute } from "@/lib/route";
import { oidcDiscoveryTestSchema } from "@/lib/schemas/oidc";

// POST /api/v1/auth/oidc/settings/test — discovery of the given (or stored) issuer works (admin)
export const POST = withRoute({ role: "admin", action: "auth.oidc.test" }, async ({ req, actor, meta }) => {
  const input = oidcDiscoveryTestSchema.parse(await readJson(req));
  return testOidcDiscovery(actor, input.issuerUrl, meta);
});
