import { describe, expect, it } from "vitest";
import type { Awaitable, Store } from "../store/store.ts";
import type { NewAlert } from "./alert.ts";

const T = 1_780_000_000_000;

/** The suite every AlertStore passes, through the Store that holds it. */
export function describeAlertStoreContract(name: string, open: () => Awaitable<Store>) {
  describe(`AlertStore contract: ${name}`, () => {
    const setup = async () => {
      const store = await open();
      const kayak = (await store.addDevice("Kari's kayak")).device;
      const other = (await store.addDevice("other")).device;
      const a = store.alerts;
      const sos = (atMs: number, extra: Partial<NewAlert> = {}): NewAlert => ({
        deviceId: kayak.id, kind: "sos", source: "tracker", atMs, lat: 59.9, lon: 10.7, fixTime: atMs / 1000, detail: null, ...extra,
      });
      return { store, a, kayak, other, sos };
    };

    it("keeps contacts per device; only a webhook has a secret, and only its creation shows it", async () => {
      const { a, kayak, other } = await setup();
      const hook = await a.addContact({ deviceId: kayak.id, kind: "webhook", target: "http://127.0.0.1:9/hook", name: "home" });
      const mail = await a.addContact({ deviceId: kayak.id, kind: "email", target: "mum@example.org", name: null });
      await a.addContact({ deviceId: other.id, kind: "ntfy", target: "http://127.0.0.1:9/topic", name: null });
      expect(hook.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(mail.secret).toBeNull();
      expect(await a.contacts(kayak.id)).toEqual([
        { id: hook.id, deviceId: kayak.id, kind: "webhook", target: "http://127.0.0.1:9/hook", name: "home", createdAt: hook.createdAt },
        { id: mail.id, deviceId: kayak.id, kind: "email", target: "mum@example.org", name: null, createdAt: mail.createdAt },
      ]);
      expect(await a.removeContact(mail.id)).toBe(true);
      expect(await a.removeContact(mail.id)).toBe(false);
      expect((await a.contacts(kayak.id)).map((c) => c.id)).toEqual([hook.id]);
    });

    it("raises once while open, with one delivery per contact of that device, and clears with one more each", async () => {
      const { a, kayak, other, sos } = await setup();
      const c1 = await a.addContact({ deviceId: kayak.id, kind: "webhook", target: "http://127.0.0.1:9/a", name: null });
      const c2 = await a.addContact({ deviceId: kayak.id, kind: "email", target: "b@example.org", name: null });
      await a.addContact({ deviceId: other.id, kind: "email", target: "c@example.org", name: null });
      const raised = (await a.raise(sos(T)))!;
      expect(raised).toMatchObject({ deviceId: kayak.id, kind: "sos", source: "tracker", raisedAt: T, clearedAt: null, acknowledgedAt: null, lat: 59.9, lon: 10.7, fixTime: T / 1000 });
      expect(await a.raise(sos(T + 60_000))).toBeUndefined();
      expect((await a.openAlerts(kayak.id)).map((x) => x.id)).toEqual([raised.id]);
      expect((await a.openAlerts()).map((x) => x.id)).toEqual([raised.id]);
      expect((await a.deliveries(raised.id)).map((d) => [d.event, d.contactId, d.state])).toEqual([["raised", c1.id, "pending"], ["raised", c2.id, "pending"]]);
      // A clear for a time before the raise is a late report: nothing happens.
      expect(await a.clear(kayak.id, "sos", T - 1)).toBeUndefined();
      const cleared = (await a.clear(kayak.id, "sos", T + 120_000))!;
      expect(cleared).toMatchObject({ id: raised.id, clearedAt: T + 120_000 });
      expect(await a.clear(kayak.id, "sos", T + 180_000)).toBeUndefined();
      expect((await a.deliveries(raised.id)).map((d) => d.event)).toEqual(["raised", "raised", "cleared", "cleared"]);
      expect(await a.openAlerts()).toEqual([]);
      expect((await a.alerts(kayak.id, 10)).map((x) => x.id)).toEqual([raised.id]);
    });

    it("refuses a raise at or before the last clear (a late resend of an old SOS), and within the cooldown", async () => {
      const { a, kayak, sos } = await setup();
      await a.raise(sos(T));
      await a.clear(kayak.id, "sos", T + 60_000);
      expect(await a.raise(sos(T + 30_000))).toBeUndefined();
      expect(await a.raise(sos(T + 60_000))).toBeUndefined();
      expect(await a.raise({ ...sos(T + 60_000 + 5 * 60_000), kind: "still", source: "rule" })).toBeDefined();
      await a.clear(kayak.id, "still", T + 60_000 + 6 * 60_000);
      const still = (atMs: number) => a.raise({ ...sos(atMs), kind: "still", source: "rule", cooldownMs: 10 * 60_000 });
      expect(await still(T + 60_000 + 15 * 60_000)).toBeUndefined();
      expect(await still(T + 60_000 + 16 * 60_000)).toBeDefined();
      expect(await a.raise(sos(T + 60_001))).toBeDefined();
    });

    it("hands out due deliveries once per lease; sent ones never again, retried ones when due", async () => {
      const { a, kayak, sos } = await setup();
      const c = await a.addContact({ deviceId: kayak.id, kind: "webhook", target: "http://127.0.0.1:9/a", name: "n" });
      const alert = (await a.raise(sos(T)))!;
      const now = Date.now();
      const [d] = await a.claimDeliveries(now, now + 60_000, 10);
      expect(d).toMatchObject({ event: "raised", attempts: 0, deviceName: "Kari's kayak", alert: { id: alert.id }, contact: { id: c.id, secret: c.secret } });
      // Held by the lease: another process (or tick) does not get it.
      expect(await a.claimDeliveries(now + 1000, now + 61_000, 10)).toEqual([]);
      await a.deliveryRetry(d!.id, now + 5000, "connection refused");
      expect(await a.nextDeliveryAt()).toBe(now + 5000);
      expect(await a.claimDeliveries(now + 4999, now + 70_000, 10)).toEqual([]);
      const [again] = await a.claimDeliveries(now + 5000, now + 70_000, 10);
      expect(again).toMatchObject({ id: d!.id, attempts: 1 });
      await a.deliverySent(d!.id, now + 5100);
      expect(await a.claimDeliveries(now + 100_000, now + 200_000, 10)).toEqual([]);
      expect(await a.nextDeliveryAt()).toBeUndefined();
      expect(await a.deliveries(alert.id)).toEqual([{ id: d!.id, alertId: alert.id, event: "raised", contactId: c.id, state: "sent", attempts: 2, lastError: null, sentAt: now + 5100 }]);
      expect(await a.sentSince(c.id, now + 5100)).toBe(1);
      expect(await a.sentSince(c.id, now + 5101)).toBe(0);
    });

    it("holds a contact's 'cleared' while its 'raised' is pending, and ends deliveries as failed or suppressed", async () => {
      const { a, kayak, sos } = await setup();
      await a.addContact({ deviceId: kayak.id, kind: "ntfy", target: "http://127.0.0.1:9/t", name: null });
      const alert = (await a.raise(sos(T)))!;
      await a.clear(kayak.id, "sos", T + 1000);
      const now = Date.now() + 10;
      const first = await a.claimDeliveries(now, now + 1, 10);
      expect(first.map((d) => d.event)).toEqual(["raised"]);
      await a.deliveryRetry(first[0]!.id, now + 5000, "503");
      // The waiting "cleared" is not due: the next delivery is the "raised" one's retry.
      expect(await a.nextDeliveryAt()).toBe(now + 5000);
      expect((await a.claimDeliveries(now + 5000, now + 5001, 10)).map((d) => d.event)).toEqual(["raised"]);
      await a.deliveryEnded(first[0]!.id, "failed", "410 Gone");
      const [cleared] = await a.claimDeliveries(now + 2, now + 3, 10);
      expect(cleared!.event).toBe("cleared");
      await a.deliveryEnded(cleared!.id, "suppressed", "rate limit");
      expect((await a.deliveries(alert.id)).map((d) => [d.event, d.state, d.lastError])).toEqual([["raised", "failed", "410 Gone"], ["cleared", "suppressed", "rate limit"]]);
    });

    it("drops a removed contact's pending deliveries, and gives a contact added later none of an earlier event", async () => {
      const { a, kayak, sos } = await setup();
      const gone = await a.addContact({ deviceId: kayak.id, kind: "email", target: "x@example.org", name: null });
      const alert = (await a.raise(sos(T)))!;
      await a.removeContact(gone.id);
      await a.addContact({ deviceId: kayak.id, kind: "email", target: "y@example.org", name: null });
      expect(await a.claimDeliveries(Date.now() + 10, Date.now() + 20, 10)).toEqual([]);
      expect((await a.deliveries(alert.id)).map((d) => [d.contactId, d.state])).toEqual([[gone.id, "failed"]]);
    });

    it("acknowledges an alert once", async () => {
      const { a, sos } = await setup();
      const alert = (await a.raise(sos(T)))!;
      expect(await a.acknowledge(alert.id, T + 5)).toBe(true);
      expect(await a.acknowledge(alert.id, T + 6)).toBe(false);
      expect(await a.acknowledge(alert.id + 99, T + 6)).toBe(false);
      expect((await a.alert(alert.id))!.acknowledgedAt).toBe(T + 5);
    });
  });
}
