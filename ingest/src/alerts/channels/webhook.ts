import { createHmac } from "node:crypto";
import { type Channel, DeliveryError, postTo } from "./channel.ts";

/**
 * The signature a webhook carries in X-Kayaktrack-Signature: `t=<unix seconds>,v1=<hex>`, where hex
 * is HMAC-SHA256 with the contact's secret over `<t>.<body>`. The receiver recomputes it, compares
 * in constant time, and refuses an old t (a replay): docs/ARCHITECTURE.md, Alerts.
 */
export function webhookSignature(secret: string, unixS: number, body: string): string {
  return `t=${unixS},v1=${createHmac("sha256", secret).update(`${unixS}.${body}`).digest("hex")}`;
}

/** A JSON POST of the alert (AlertJson), signed with the contact's secret. */
export function webhookChannel(now: () => number = Date.now): Channel {
  return {
    async send(d, m) {
      if (!d.contact.secret) throw new DeliveryError("the webhook contact has no secret", true);
      const body = JSON.stringify(m.json);
      await postTo(d.contact.target, {
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "kayaktrack",
          "X-Kayaktrack-Event": m.json.type,
          "X-Kayaktrack-Delivery": String(d.id),
          "X-Kayaktrack-Signature": webhookSignature(d.contact.secret, Math.floor(now() / 1000), body),
        },
        body,
      });
    },
  };
}
