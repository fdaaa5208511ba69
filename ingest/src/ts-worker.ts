import { Worker, type ResourceLimits } from "node:worker_threads";

// The worker runs TypeScript, so it registers tsx before loading its module.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.module); });
`;

/** A worker thread running a TypeScript module (`module`, a file URL) with `data` as its workerData. */
export function tsWorker(module: URL, data: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  return new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { ...data, tsx: import.meta.resolve("tsx/esm/api"), module: module.href },
    ...(resourceLimits && { resourceLimits }),
  });
}
