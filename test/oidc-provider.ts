import { createSign, generateKeyPairSync, randomUUID, type JsonWebKey } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

// A real OpenID provider for the single sign-on tests (panva's oidc-provider, the certified
// implementation), on 127.0.0.1 below the ephemeral port range. Its stock development pages
// ask for a login (any password) and a consent, as a company's provider would. Two switches
// let a test make its token answers wrong the way an attacker or a misconfiguration would:
// an ID token for another audience, or one signed by a key the provider never published.

export interface TestAccount {
  email?: string;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Account id (what one types as the login) → claims. Edit freely between sign-ins. */
  accounts: Map<string, TestAccount>;
  /** Applied to the ID token of every token answer while set. */
  tamper: { audience?: string; foreignKey?: boolean };
  stop(): Promise<void>;
}

function rsaKey(): { privateJwk: JsonWebKey & { kid: string }; privatePem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateJwk: { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" },
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/** A JWT with `payload`, signed RS256 with `pem` under `kid`. */
function signJwt(payload: Record<string, unknown>, kid: string, pem: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode({ alg: "RS256", typ: "JWT", kid })}.${encode(payload)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(pem).toString("base64url");
  return `${input}.${signature}`;
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

async function listenOnFreePort(server: http.Server, firstPort: number, tries = 10): Promise<number> {
  for (let port = firstPort; port < firstPort + tries; port += 1) {
    const bound = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(true);
      });
    });
    if (bound) return port;
  }
  throw new Error(`No free port for the test OpenID provider in ${firstPort}-${firstPort + tries - 1}`);
}

export async function startTestProvider(options: {
  firstPort: number;
  redirectUris: string[];
  clientId?: string;
}): Promise<TestProvider> {
  const server = http.createServer();
  const port = await listenOnFreePort(server, options.firstPort);
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? "walden";
  const clientSecret = `secret-${randomUUID()}`;
  const accounts = new Map<string, TestAccount>();
  const tamper: TestProvider["tamper"] = {};
  const signing = rsaKey();
  const foreign = rsaKey();

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [signing.privateJwk] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // The claims of the granted scopes go into the ID token too (as Okta's or Entra's groups do).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Set, so the provider does not warn that its defaults are used.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email_verified: Boolean(account.email), ...account }),
      };
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    const body: unknown = ctx.body;
    if (ctx.path !== "/token" || !body || typeof body !== "object" || !("id_token" in body)) return;
    if (typeof body.id_token !== "string" || (!tamper.audience && !tamper.foreignKey)) return;
    const claims = claimsOf(body.id_token);
    if (tamper.audience) claims.aud = tamper.audience;
    const key = tamper.foreignKey ? foreign : signing;
    ctx.body = { ...body, id_token: signJwt(claims, signing.privateJwk.kid, key.privatePem) };
  });
  server.on("request", provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    tamper,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The body of PUT /api/v1/auth/oidc/settings that points Walden at this provider ("Acme ID"),
 * single sign-on on, with these group → role mappings.
 */
export function settingsFor(
  provider: TestProvider,
  roleMappings: { value: string; role: "viewer" | "operator" | "admin" }[],
  overrides: Record<string, unknown> = {},
) {
  return {
    enabled: true,
    providerName: "Acme ID",
    issuerUrl: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    scopes: "openid email profile groups",
    roleClaim: "groups",
    roleMappings,
    localAccountsEnabled: true,
    ...overrides,
  };
}

/** The `value` of each hidden input of an HTML form, and its action. */
function readForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) return undefined;
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1]!] = match[2]!;
  }
  return { action: action.replaceAll("&amp;", "&"), fields };
}

/**
 * Does at the provider what a person does in a browser (log in as `login`, consent), with
 * fetch and a cookie jar, and returns the URL the provider finally sends the browser to: the
 * callback with its code and state (or an error).
 */
export async function signInAtProvider(
  authorizationUrl: string,
  login: string,
  callbackPrefix: string,
): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  let method = "GET";
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 12; step += 1) {
    const response = await fetch(url, {
      method,
      body,
      redirect: "manual",
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name = "", ...value] = pair.split("=");
      jar.set(name.trim(), value.join("="));
    }
    method = "GET";
    body = undefined;
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url);
      if (url.href.startsWith(callbackPrefix)) return url;
      continue;
    }
    const html = await response.text();
    const form = readForm(html);
    if (!form)
      throw new Error(
        `The provider answered ${response.status} without a form at ${url.href}:\n${html.slice(0, 500)}`,
      );
    body = new URLSearchParams(form.fields);
    if (html.includes('name="login"')) {
      body.set("login", login);
      body.set("password", "any password");
    }
    url = new URL(form.action, url);
    method = "POST";
  }
  throw new Error("The provider never sent the browser back to Walden");
}
