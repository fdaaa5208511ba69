/**
 * The import rules `pnpm test` checks (test/src/architecture.test.ts): imports flow one way
 * in every package, type-only ones included, and a package uses another only through its
 * package name (`@kayaktrack/firmware/wire`), never a relative path into its files.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A cycle, type-only imports included: the modules in it cannot be read one after the other.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-reach-into-another-package",
      comment: "Another package's files are reached through its name and exports, not a relative path.",
      severity: "error",
      from: { path: "^(firmware|ingest|map-ui|tools|test)/" },
      to: { path: "^(firmware|ingest|map-ui|tools|test)/", pathNot: ["^$1/", "node_modules"], dependencyTypesNot: ["npm", "npm-dev", "npm-no-pkg", "npm-unknown"] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsConfig: { fileName: "tsconfig.base.json" },
  },
};
