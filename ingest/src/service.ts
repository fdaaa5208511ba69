import type { Logger } from "pino";
import { pino } from "pino";
import { LiveHub } from "./live-hub.ts";
import { createMetrics } from "./metrics.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { storeWriter, type FixWriter, type Store } from "./store/store.ts";
import { hashToken } from "./tokens.ts";
import { WriteQueue } from "./write-queue.ts";
import { afterCommit } from "./after-commit.ts";
import { createApp } from "./app.ts";
import type { ServiceDeps } from "./deps.ts";
import type { TripOptions } from "./trips/trip.ts";
import { defaultMapUi, type MapUiOptions } from "./map-ui-options.ts";
import { defaultLimits, type Limits } from "./limits.ts";
import { AlertEngine } from "./alerts/alert-engine.ts";
import { Notifier, type NotifierOptions } from "./alerts/notifier.ts";
import { RuleWatch } from "./alerts/rule-watch.ts";
import { tripOptions as storedTripOptions } from "./trips/trip-settings.ts";
import { emailChannel, type EmailOptions } from "./alerts/channels/email.ts";
import { ntfyChannel } from "./alerts/channels/ntfy.ts";
import { webhookChannel } from "./alerts/channels/webhook.ts";

export interface ServiceOptions {
  store: Store;
  /** where group commit writes (default: the store, in this thread) */
  writer?: FixWriter;
  /** the admin token in clear (tests, env) or its hash */
  adminToken: string | Buffer;
  log?: Logger;
  limits?: Partial<Limits>;
  /** how fixes are split into trips, over the database's own thresholds (`kayaktrack trips settings`) */
  tripOptions?: Partial<TripOptions>;
  /** the address people open (KAYAKTRACK_PUBLIC_URL), for share links */
  publicUrl?: string;
  /** the web map's build folder and tile layer (default: map-ui/dist, OpenStreetMap) */
  map?: Partial<MapUiOptions>;
  defaultMetrics?: boolean;
  /** the SMTP server for e-mail contacts (KAYAKTRACK_SMTP_URL, KAYAKTRACK_MAIL_FROM); without it they cannot be added */
  smtp?: EmailOptions;
  /** over the notifier's retry timing (tests) */
  notifier?: Pick<NotifierOptions, "backoffMs" | "maxBackoffMs" | "maxAttempts" | "pollMs" | "perContactPerHour">;
  /** how often the alert rules are looked at (default 15 s) */
  ruleCheckMs?: number;
}

/** Wires storage, group commit, the live hub and metrics, and builds the Hono app. */
export function createService(options: ServiceOptions) {
  const limits = { ...defaultLimits, ...options.limits };
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const hub = new LiveHub();
  const log = options.log ?? pino({ level: "silent" });
  const writer = options.writer ?? storeWriter(options.store);
  // The rules' watch is made below; new fixes poke it (a function, so the queue can come first).
  let pokeRules = () => {};
  // A store shared by processes tells each of them of every commit: the hub hears it from there.
  const stopWatch = options.store.watchFixes?.(
    (deviceId) => hub.hears(deviceId),
    (fixes) => hub.publish(fixes),
    (err) => log.warn({ err }, "live: cannot read fixes another process committed"),
  );
  const queue = new WriteQueue(writer, { onCommit: afterCommit(metrics, stopWatch ? undefined : hub, () => pokeRules()) });
  const email = options.smtp && emailChannel(options.smtp);
  const notifier = new Notifier({
    alerts: options.store.alerts,
    channels: { webhook: webhookChannel(), ntfy: ntfyChannel(), ...(email && { email }) },
    log,
    ...(options.publicUrl && { mapUrl: options.publicUrl }),
    ...options.notifier,
  });
  notifier.start();
  const rules = new RuleWatch({
    store: options.store,
    notifier,
    log,
    tripOptions: async () => ({ ...(await storedTripOptions(options.store)), ...options.tripOptions }),
    ...(options.ruleCheckMs !== undefined && { everyMs: options.ruleCheckMs }),
  });
  rules.start();
  pokeRules = () => rules.poke();
  const deps: ServiceDeps = {
    store: options.store,
    alerts: new AlertEngine({ store: options.store, notifier, log }),
    emailEnabled: Boolean(email),
    queue,
    hub,
    metrics,
    log,
    limiter: options.store.sharedRateLimit?.(limits.ratePerSec, limits.burst) ?? new RateLimiter(limits.ratePerSec, limits.burst),
    adminTokenHash: typeof options.adminToken === "string" ? hashToken(options.adminToken) : options.adminToken,
    limits,
    tripOptions: options.tripOptions ?? {},
    mapUi: { ...defaultMapUi, ...options.map },
    ...(options.publicUrl && { publicUrl: options.publicUrl }),
    countRejects(reasons) {
      for (const [reason, n] of Object.entries(reasons)) if (n) metrics.fixesRejected.inc({ reason }, n);
    },
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    notifier,
    rules,
    /** Ends live streams, commits what is waiting and closes the store; safe to call twice. */
    async close() {
      hub.closeAll();
      await stopWatch?.();
      rules.close();
      await notifier.close();
      email?.close();
      await queue.close();
      await writer.close();
      await options.store.close();
    },
  };
}

export type Service = ReturnType<typeof createService>;
