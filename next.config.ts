import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import {
  apiContentSecurityPolicy,
  staticSecurityHeaders,
  strictTransportSecurity,
} from "./lib/web/security-headers";

const nextConfig: NextConfig = {
  // A second checkout's build (or a test's) can live beside the default one: see lib/demo/build.ts.
  distDir: process.env.WALDEN_NEXT_DIST_DIR || ".next",
  // The catalog client and pg are server-only Node modules; keep them out of the bundle.
  serverExternalPackages: ["pg", "pg-boss", "@prisma/adapter-pg"],
  poweredByHeader: false,
  allowedDevOrigins: ["127.0.0.1"],
  async redirects() {
    // The first tab's other name, as an HTTP redirect: a redirect() in the page came after the
    // cluster's layout had streamed, so browsers got a 200 and a client-side hop a moment later.
    return [
      { source: "/clusters/:clusterId/replication", destination: "/clusters/:clusterId", permanent: false },
    ];
  },
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders },
      {
        source: "/(api|metrics)/:path*",
        headers: [{ key: "Content-Security-Policy", value: apiContentSecurityPolicy }],
      },
      {
        // Only when the request came over HTTPS: Walden's server sets X-Forwarded-Proto from the
        // socket, or from a trusted proxy (lib/web/forwarded.ts).
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [strictTransportSecurity],
      },
    ];
  },
};

// Messages and the language per request: lib/i18n/request.ts.
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

export default withNextIntl(nextConfig);
