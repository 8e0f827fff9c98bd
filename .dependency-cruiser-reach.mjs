// npm run lint runs this after .dependency-cruiser.cjs: what a page or route can reach at run
// time. Type-only imports vanish when TypeScript compiles, so they are left out here
// (tsPreCompilationDeps: false); depcruise cannot drop them per rule for reachability.
import base from "./.dependency-cruiser.cjs";

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    {
      name: "web-never-reaches-worker-code",
      severity: "error",
      comment:
        "Pages, routes and browser code never load, even indirectly, code that runs programs or the sandbox: a domain's web side (queries.ts, mutations.ts) reads the catalog and sends jobs, its executors run in the worker, and what both need lives in small files of their own (names, settings, slot names). shell-quote.ts, psql-command.ts and archive-command.ts (with the error class it throws) are pure text: the runbook quotes its commands as the tools do, and the configuration check shows the archive_command Walden asks for.",
      from: { path: "^(app|components|lib/client)/", pathNot: "\\.test\\.ts$" },
      to: {
        path: "^(lib/tools|lib/sandbox|lib/worker)/|^(node:)?child_process$",
        pathNot: "^lib/tools/(shell-quote|psql-command|archive-command|setup-error)\\.ts$",
        reachable: true,
      },
    },
  ],
  options: { ...base.options, tsPreCompilationDeps: false },
};

export default config;
