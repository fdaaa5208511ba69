import type { Device, Share } from "../api.ts";
import { h, setChildren } from "../dom.ts";
import { formatDateTime, formatSpan } from "../format.ts";
import { shareCreator } from "../share-creator.ts";
import type { View } from "../view.ts";

/** Share links: every one made, with what it shows, and revoke; a new one for a device's live position. */
export const sharesView: View = async (ctx) => {
  const [{ shares }, { devices }] = await Promise.all([
    ctx.api.get<{ shares: Share[] }>("/api/v1/admin/shares"),
    ctx.api.get<{ devices: Device[] }>("/api/v1/devices"),
  ]);
  if (ctx.signal.aborted) return;
  const name = (id: number) => devices.find((d) => d.id === id)?.name ?? `device ${id}`;
  const state = (s: Share) => (s.revoked ? "revoked" : s.expiresAt && Date.parse(s.expiresAt) <= Date.now() ? "expired" : "active");

  const row = (s: Share): HTMLElement => {
    const status = h("span", { class: `badge share-${state(s)}` }, state(s));
    const revoke = h("button", { type: "button", class: "danger" }, "Revoke");
    revoke.addEventListener("click", async () => {
      revoke.disabled = true;
      try {
        await ctx.api.delete(`/api/v1/admin/shares/${s.id}`);
        status.textContent = "revoked";
        status.className = "badge share-revoked";
        revoke.remove();
      } catch (err) {
        revoke.disabled = false;
        revoke.after(h("span", { class: "error", role: "alert" }, ` ${err instanceof Error ? err.message : String(err)}`));
      }
    });
    return h(
      "li",
      { class: "card", "data-share": s.id },
      h("strong", {}, s.kind === "trip" ? h("a", { href: `#/trip/${s.tripId}` }, `Trip ${s.tripId} of ${name(s.deviceId)}`) : `Live position of ${name(s.deviceId)}`),
      h(
        "p",
        { class: "facts" },
        status,
        ` made ${formatDateTime(Date.parse(s.createdAt) / 1000)} · delay ${formatSpan(s.delayS)} · ${s.expiresAt ? `expires ${formatDateTime(Date.parse(s.expiresAt) / 1000)}` : "never expires"}`,
      ),
      state(s) === "active" ? revoke : null,
    );
  };

  const list = h("ul", { class: "cards shares" }, ...[...shares].reverse().map(row));
  const deviceSelect = h("select", { "aria-label": "Device" }, ...devices.filter((d) => !d.revoked).map((d) => h("option", { value: d.id }, d.name)));
  setChildren(ctx.panel, 
    h("h2", {}, "Share links"),
    h("p", {}, "A share link opens without a sign-in. Trips are shared from their page; a device's live position here."),
    devices.length
      ? h(
          "section",
          { class: "new-share", "aria-label": "New share link" },
          h("h3", {}, "New link to a live position"),
          h("label", {}, "Device ", deviceSelect),
          shareCreator(ctx.api, () => ({ device: Number(deviceSelect.value) }), (s) => list.prepend(row(s))),
        )
      : null,
    shares.length ? list : h("p", {}, "No share links yet."),
  );
};
