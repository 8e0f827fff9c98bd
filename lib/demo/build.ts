import fs from "node:fs";
import path from "node:path";

// The web app (`npm start`: lib/web/server.ts in front of Next) serves what `next build`
// produced. Rebuild only when a source file is newer than the last build, so a second
// `npm run demo` starts in seconds. The server itself runs from source (tsx), under lib.
const sourceRoots = [
  "app",
  "components",
  "lib",
  "messages",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export function nextBuildIsStale(root: string): boolean {
  // next.config.ts reads the same variable: where `next build` writes and `npm start` reads.
  const distDir = process.env.WALDEN_NEXT_DIST_DIR || ".next";
  const buildId = fs.statSync(path.join(root, distDir, "BUILD_ID"), { throwIfNoEntry: false });
  if (!buildId) return true;
  return sourceRoots.some((entry) => newestMtime(path.join(root, entry)) > buildId.mtimeMs);
}
