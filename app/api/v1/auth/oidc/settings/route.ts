import { oidcRedirectUri } from "@/lib/auth/oidc/http";
import { getOidcSettingsView, saveOidcSettings } from "@/lib/auth/oidc/settings";
import { readJson, withRoute } from "@/lib/route";
import { oidcSettingsInputSchema } from "@/lib/schemas/oidc";

// GET /api/v1/auth/oidc/settings — single sign-on settings, the client secret only as clientSecretSet (admin)
export const GET = withRoute({ role: "admin", action: "auth.oidc.settings.read" }, ({ req }) =>
  getOidcSettingsView(oidcRedirectUri(req.headers, req.url)),
);

// PUT /api/v1/auth/oidc/settings — save them; clientSecret left out keeps the stored one (admin)
export const PUT = withRoute(
  { role: "admin", action: "auth.oidc.settings" },
  async ({ req, actor, meta }) => {
    const input = oidcSettingsInputSchema.parse(await readJson(req));
    await saveOidcSettings(actor, input, meta);
    return getOidcSettingsView(oidcRedirectUri(req.headers, req.url));
  },
);
