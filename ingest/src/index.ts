export { createApp } from "./app.ts";
export { createService, defaultLimits, type Limits, type Service, type ServiceDeps } from "./service.ts";
export { startServer, type RunningServer, type ServerOptions } from "./server.ts";
export { openSqliteStore } from "./store/sqlite/sqlite-store.ts";
export type { Store, Device, DeviceWithLatest } from "./store/store.ts";
export type { Fix, StoredFix, FixSource } from "./fix.ts";
export { checkDeviceName } from "./routes/admin.ts";
