/** @type {import('next').NextConfig} */
const nextConfig = {
  // The catalog client and pg are server-only Node modules; keep them out of the bundle.
  serverExternalPackages: ["pg", "pg-boss", "@prisma/adapter-pg"],
  poweredByHeader: false,
  allowedDevOrigins: ["127.0.0.1"],
};

export default nextConfig;
