// npm run lint runs this (npx depcruise): the lines Walden's layout draws, each with its reason.
/** Tests start servers and workers themselves, as a person would. */
const TESTS = "\\.test\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Modules that import each other cannot be read, tested or moved one at a time: put what both need in a small module of its own.",
      from: {},
      to: { circular: true },
    },
    {
      name: "web-never-runs-programs",
      severity: "error",
      comment:
        "Pages, components and browser code never start a process or the sandbox: long or risky work happens in the worker (design.md). Ask the worker through the queue instead.",
      from: { path: "^(app|components|lib/client)/", pathNot: TESTS },
      to: {
        path: "^(lib/tools|lib/sandbox)/|^lib/worker/|^child_process$|^node:child_process$",
      },
    },
    {
      name: "only-tools-spawn",
      severity: "error",
      comment:
        "lib/tools is the one layer that runs programs (argument arrays, clean environment, watchdog): call runTool, runToolSync or startService, never child_process directly. The sandbox and the demo use it too.",
      // prisma-generate.mjs runs at npm install, before TypeScript can be loaded.
      from: {
        path: "^(app|components|lib|scripts)/",
        pathNot: `^lib/tools/|^scripts/prisma-generate\\.mjs$|${TESTS}`,
      },
      to: { path: "^(node:)?child_process$" },
    },
    {
      name: "browser-code-has-no-server-modules",
      severity: "error",
      comment:
        "lib/client runs in the browser: the catalog client, Node's file system and process modules do not exist there (types are fine).",
      from: { path: "^lib/client/" },
      to: {
        path: "^(lib/db|lib/generated|lib/worker|lib/tools|lib/sandbox)/|^lib/db\\.ts$|^(node:)?(fs|child_process|net)$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "ui-takes-types-from-schemas",
      severity: "error",
      comment:
        "Browser code takes wire types from lib/schemas and data through lib/client's hooks, never from a server module (even a type import ties it to that module and gives a DTO two homes): put the shape in lib/schemas/<domain>.ts and import it from there. Excepted: fleet-card.tsx, a server component (no \"use client\") that reads the catalog itself, lib/schedules/preview.ts, the pure cron reading the drill card shares with the server, lib/i18n/locales.ts and messages.ts (the language list and the message catalog: plain data), lib/i18n/findings.ts with phrasebook.ts (pure: a server finding read back through the English catalog) and zod-issues.ts (pure: zod issue to catalog key, for the browser's own form checks).",
      from: {
        path: "^(components|lib/client)/|^app/.+/_components/",
        pathNot: "^app/\\(console\\)/_components/fleet-card\\.tsx$",
      },
      to: {
        path: "^lib/",
        pathNot:
          "^lib/(schemas|client)/|^lib/schedules/preview\\.ts$|^lib/i18n/(locales|messages|findings|phrasebook|zod-issues)\\.ts$",
      },
    },
    {
      name: "schemas-import-only-schemas",
      severity: "error",
      comment:
        "lib/schemas is safe in the browser and the server alike: zod and other schemas only, no domain or server module.",
      from: { path: "^lib/schemas/" },
      to: { pathNot: "^lib/schemas/|zod|^lib/i18n/locales\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|lib/generated|\\.next)" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
