import type { Logger } from "pino";
import type { AlertEngine } from "./alerts/alert-engine.ts";
import type { RejectReason } from "./fix.ts";
import type { Limits } from "./limits.ts";
import type { LiveHub } from "./live-hub.ts";
import type { Metrics } from "./metrics.ts";
import type { RateLimit } from "./rate-limiter.ts";
import type { MapUiOptions } from "./map-ui-options.ts";
import type { Store } from "./store/store.ts";
import type { TripOptions } from "./trips/trip.ts";
import type { WriteQueue } from "./write-queue.ts";

/** Everything a route needs; built once per service. */
export interface ServiceDeps {
  store: Store;
  /** raises and clears alerts from what devices report (an SOS) */
  alerts: AlertEngine;
  /** whether the server can send e-mail (an SMTP server is configured) */
  emailEnabled: boolean;
  queue: WriteQueue;
  hub: LiveHub;
  metrics: Metrics;
  log: Logger;
  /** each device's upload rate: in this process, or shared by all (Store.sharedRateLimit) */
  limiter: RateLimit;
  adminTokenHash: Buffer;
  limits: Limits;
  /** over the database's trip thresholds (trip-settings.ts), for tests */
  tripOptions: Partial<TripOptions>;
  /** the address people open, for share links (default: the address a request came to) */
  publicUrl?: string;
  /** the web map's build folder and tile layer */
  mapUi: MapUiOptions;
  /** counts fixes dropped by the sanity check */
  countRejects(reasons: Partial<Record<RejectReason, number>>): void;
}
