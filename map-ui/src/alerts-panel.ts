import { alertActions } from "./alert-actions.ts";
import { alertLine } from "./alert-banner.ts";
import { ApiError, type Alert, type Api } from "./api.ts";
import { h, setChildren } from "./dom.ts";

interface Contact {
  id: number;
  kind: "webhook" | "email" | "ntfy";
  target: string;
  name: string | null;
}

interface Rules {
  overdueMin: number | null;
  returnBy: number | null;
  route: unknown;
  stillMin: number | null;
  stillRadiusM: number;
  area: { circle: { lat: number; lon: number; radiusM: number } } | { polygon: unknown[] } | null;
}

const numberOrNull = (input: HTMLInputElement) => (input.value.trim() === "" ? null : Number(input.value));

/** A device's alerts (acknowledge, clear), who is told of them, and the rules the server watches. */
export function alertsPanel(api: Api, deviceId: number): HTMLElement {
  const panel = h("section", { class: "alerts-panel" }, h("p", { class: "note" }, "Loading alerts…"));
  const base = `/api/v1/devices/${deviceId}`;
  const say = (el: HTMLElement, e: unknown) => setChildren(el, e instanceof ApiError ? `${e.error}: ${e.detail ?? ""}` : String(e));

  const render = async () => {
    const [{ alerts }, { contacts }, rules] = await Promise.all([
      api.get<{ alerts: Alert[] }>(`${base}/alerts`),
      api.get<{ contacts: Contact[] }>(`${base}/contacts`),
      api.get<Rules>(`${base}/alert-rules`),
    ]);
    const refresh = () => void render();

    const list = alerts.length
      ? h(
          "ul",
          { class: "alert-list" },
          ...alerts.slice(0, 20).map((a) => {
            const sent = (a.deliveries ?? []).filter((d) => d.state === "sent").length;
            return h(
              "li",
              { class: a.clearedAt ? "cleared" : "open", "data-alert": a.id },
              h("strong", {}, alertLine(a)),
              a.detail ? ` ${a.detail}` : "",
              a.clearedAt ? ` — cleared ${new Date(a.clearedAt).toLocaleString()}` : a.acknowledgedAt ? " — acknowledged" : "",
              h("span", { class: "note" }, ` (${sent} of ${(a.deliveries ?? []).length} notifications sent)`),
              ...alertActions(api, a, refresh),
            );
          }),
        )
      : h("p", { class: "note" }, "No alerts.");

    const kind = h("select", { name: "kind" }, h("option", { value: "ntfy" }, "ntfy topic"), h("option", { value: "webhook" }, "webhook"), h("option", { value: "email" }, "e-mail"));
    const target = h("input", { type: "text", name: "target", placeholder: "https://ntfy.sh/your-topic, a URL, or an address", required: true });
    const name = h("input", { type: "text", name: "name", placeholder: "who (optional)" });
    const contactNote = h("p", { class: "note", role: "status" });
    const addContact = h(
      "form",
      {
        class: "add-contact",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            const c = await api.post<Contact & { secret?: string }>(`${base}/contacts`, { kind: kind.value, target: target.value, ...(name.value ? { name: name.value } : {}) });
            await render();
            // A webhook's secret is shown this once: its receiver checks signatures with it.
            if (c.secret) panel.querySelector(".contacts")?.after(h("p", { class: "secret" }, `Webhook secret (shown once): `, h("code", {}, c.secret)));
          } catch (err) {
            say(contactNote, err);
          }
        },
      },
      kind, target, name, h("button", { type: "submit" }, "Add"), contactNote,
    );
    const contactList = h(
      "ul",
      { class: "contacts" },
      ...contacts.map((c) =>
        h("li", { "data-contact": c.id }, `${c.kind}: ${c.target}${c.name ? ` (${c.name})` : ""} `, h("button", { type: "button", class: "danger", onclick: async () => (await api.delete(`/api/v1/contacts/${c.id}`), refresh()) }, "Remove")),
      ),
    );

    const circle = rules.area && "circle" in rules.area ? rules.area.circle : undefined;
    const field = (label: string, input: HTMLInputElement) => h("label", {}, label, " ", input);
    const overdue = h("input", { type: "number", name: "overdueMin", min: 1, step: 1, value: rules.overdueMin ?? "" });
    const still = h("input", { type: "number", name: "stillMin", min: 1, step: 1, value: rules.stillMin ?? "" });
    const radius = h("input", { type: "number", name: "stillRadiusM", min: 10, step: 1, value: rules.stillRadiusM });
    const lat = h("input", { type: "number", name: "areaLat", step: "any", value: circle?.lat ?? "" });
    const lon = h("input", { type: "number", name: "areaLon", step: "any", value: circle?.lon ?? "" });
    const areaR = h("input", { type: "number", name: "areaRadiusM", min: 50, step: 1, value: circle?.radiusM ?? "" });
    const rulesNote = h("p", { class: "note", role: "status" });
    const rulesForm = h(
      "form",
      {
        class: "rules",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const r = numberOrNull(areaR);
          if (r !== null && (lat.value.trim() === "" || lon.value.trim() === "")) {
            setChildren(rulesNote, "An area needs its latitude and longitude as well as its radius.");
            return;
          }
          try {
            // The rules as they are now (a plan may have come or gone since the page was drawn), with the fields of this form.
            const current = await api.get<Rules>(`${base}/alert-rules`);
            const area = r === null ? (current.area && "circle" in current.area ? null : current.area) : { circle: { lat: Number(lat.value), lon: Number(lon.value), radiusM: r } };
            await api.put(`${base}/alert-rules`, { ...current, overdueMin: numberOrNull(overdue), stillMin: numberOrNull(still), stillRadiusM: Number(radius.value || 50), area });
            setChildren(rulesNote, "Saved.");
          } catch (err) {
            say(rulesNote, err);
          }
        },
      },
      field("Overdue after no upload for (minutes, while on the water)", overdue),
      field("Not moving: within (metres)", radius),
      field("… for (minutes)", still),
      field("Stay within: latitude", lat),
      field("longitude", lon),
      field("radius (metres)", areaR),
      rules.returnBy ? h("p", { class: "note" }, `Planned return: ${new Date(rules.returnBy).toLocaleString()} (kayaktrack trip plan).`) : null,
      h("button", { type: "submit" }, "Save rules"),
      rulesNote,
    );

    setChildren(
      panel,
      h("h3", {}, "Alerts"),
      list,
      h("h4", {}, "Who is told"),
      contacts.length ? contactList : h("p", { class: "note contacts" }, "Nobody yet: add a contact so that an SOS reaches someone."),
      addContact,
      h("h4", {}, "Rules"),
      rulesForm,
    );
  };
  void render().catch((e) => say(panel, e));
  return panel;
}
