import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import type { ContactKind } from "../alerts/alert.ts";
import { checkContact } from "../alerts/check-contact.ts";
import { parseAlertRules } from "../alerts/alert-rules.ts";
import { alertToJson, contactToJson, deliveryToJson } from "../alerts/alert-json.ts";
import { HttpError } from "../http-error.ts";
import { parseJsonObject, readText, requireMediaType } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";

/** An id in a path (auth.ts's rule for ids: a positive integer), or 404. */
function idParam(text: string, what: string): number {
  const id = parseDeviceId(text);
  if (id === undefined) throw new HttpError(404, "not found", `no such ${what}`);
  return id;
}

/**
 * The admin's alert API (admin token): a device's contacts and alerts under
 * /api/v1/devices/ID/…, and one alert's acknowledgement or clearing under /api/v1/alerts/ID/….
 */
export function alertsRoute(deps: ServiceDeps) {
  const alerts = deps.store.alerts;
  const device = async (text: string) => {
    const id = parseDeviceId(text);
    if (id === undefined || !await deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
    return id;
  };
  const alertOf = async (text: string) => {
    const a = await alerts.alert(idParam(text, "alert"));
    if (!a) throw new HttpError(404, "not found", "no such alert");
    return a;
  };
  return new Hono()
    .get("/devices/:id/contacts", async (c) => c.json({ contacts: (await alerts.contacts(await device(c.req.param("id")))).map(contactToJson) }))
    .post("/devices/:id/contacts", async (c) => {
      const deviceId = await device(c.req.param("id"));
      requireMediaType(c, "application/json");
      const body = parseJsonObject(await readText(c, deps.limits.maxBodyBytes));
      const kind = body.kind as ContactKind;
      const target = typeof body.target === "string" ? body.target.trim() : "";
      const bad = checkContact(kind, target, body.name);
      if (bad) throw new HttpError(400, "invalid contact", bad);
      if (kind === "email" && !deps.emailEnabled) {
        throw new HttpError(409, "no mail server", "e-mail contacts need an SMTP server: start the server with KAYAKTRACK_SMTP_URL (and KAYAKTRACK_MAIL_FROM)");
      }
      if ((await alerts.contacts(deviceId)).length >= 20) throw new HttpError(409, "too many contacts", "a device has at most 20 contacts");
      const contact = await alerts.addContact({ deviceId, kind, target, name: (body.name as string | undefined) ?? null });
      // The webhook's secret is shown here only: the receiver checks signatures with it.
      return c.json({ ...contactToJson(contact), ...(contact.secret && { secret: contact.secret }) }, 201);
    })
    .delete("/contacts/:id", async (c) => {
      if (!await alerts.removeContact(idParam(c.req.param("id"), "contact"))) throw new HttpError(404, "not found", "no such contact");
      return c.body(null, 204);
    })
    .get("/devices/:id/alert-rules", async (c) => c.json(await alerts.rules(await device(c.req.param("id")))))
    .put("/devices/:id/alert-rules", async (c) => {
      const deviceId = await device(c.req.param("id"));
      requireMediaType(c, "application/json");
      const rules = parseAlertRules(parseJsonObject(await readText(c, deps.limits.maxBodyBytes)));
      if (typeof rules === "string") throw new HttpError(400, "invalid rules", rules);
      await alerts.setRules(deviceId, rules);
      return c.json(await alerts.rules(deviceId));
    })
    .get("/devices/:id/alerts", async (c) => {
      const deviceId = await device(c.req.param("id"));
      // ?open=1: only the open ones, without deliveries (the live view asks every few seconds).
      if (c.req.query("open") !== undefined) return c.json({ alerts: (await alerts.openAlerts(deviceId)).map(alertToJson) });
      return c.json({ alerts: await Promise.all((await alerts.alerts(deviceId, 100)).map(async (a) => ({ ...alertToJson(a), deliveries: (await alerts.deliveries(a.id)).map(deliveryToJson) }))) });
    })
    .get("/alerts", async (c) => c.json({ alerts: (await alerts.openAlerts()).map(alertToJson) }))
    .post("/alerts/:id/ack", async (c) => {
      const a = await alertOf(c.req.param("id"));
      await alerts.acknowledge(a.id, Date.now());
      return c.json(alertToJson((await alerts.alert(a.id))!));
    })
    .post("/alerts/:id/clear", async (c) => {
      const a = await alertOf(c.req.param("id"));
      // An SOS from a phone app has no cancel of its own: the admin clears it, and the contacts hear so.
      return c.json(alertToJson((await deps.alerts.clearAlert(a)) ?? (await alerts.alert(a.id))!));
    });
}
