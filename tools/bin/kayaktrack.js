#!/usr/bin/env node
// The kayaktrack command line. It runs the TypeScript sources through tsx, so
// there is no build step between editing and running.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
await main(process.argv);
