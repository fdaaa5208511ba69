import type { LiveHub } from "./live-hub.ts";
import type { Metrics } from "./metrics.ts";
import type { WriteRequest, WriteResult } from "./store/store.ts";

/**
 * What follows each group commit (WriteQueue's onCommit), once its fixes are
 * durable: counted in the metrics by source, published to live streams (unless
 * the store announces every process's commits: Store.watchFixes), and shown to
 * the alert rules.
 * A request that failed in the group is skipped: nothing of it was stored.
 */
export function afterCommit(metrics: Metrics, hub: LiveHub | undefined, onStored: () => void = () => {}) {
  return (requests: WriteRequest[], results: Array<WriteResult | Error>): void => {
    metrics.commitRequests.observe(requests.length);
    let stored = 0;
    results.forEach((r, i) => {
      if (r instanceof Error) return;
      const source = requests[i]!.source;
      stored += r.storedCount;
      metrics.fixesStored.inc({ source }, r.storedCount);
      if (r.duplicates) metrics.duplicates.inc({ source }, r.duplicates);
      if (hub && hub.size > 0) hub.publish(r.stored);
    });
    // The alert rules look at the new positions (alerts/rule-watch.ts).
    if (stored) onStored();
  };
}
