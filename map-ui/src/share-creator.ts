import type { Api, Share } from "./api.ts";
import { h } from "./dom.ts";

const EXPIRIES: Array<[string, string]> = [["", "never"], ["1d", "1 day"], ["7d", "7 days"], ["30d", "30 days"]];
const DELAYS: Array<[string, string]> = [["0", "none"], ["5m", "5 min"], ["15m", "15 min"], ["1h", "1 h"]];

/**
 * A small form that makes a share link for a trip or a device and shows the
 * link once (the server keeps only its hash).
 */
export function shareCreator(api: Api, target: () => { trip: number } | { device: number } | undefined, onCreated: (s: Share) => void = () => {}): HTMLElement {
  const select = (label: string, name: string, options: Array<[string, string]>) =>
    h("label", {}, `${label} `, h("select", { name }, ...options.map(([value, text]) => h("option", { value }, text))));
  const result = h("div", { class: "share-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "share-form" },
    select("Expires", "expires", EXPIRIES),
    select("Privacy delay", "delay", DELAYS),
    h("button", { type: "submit" }, "Create link"),
    result,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const what = target();
    if (!what) return;
    const data = new FormData(form);
    const expires = String(data.get("expires") ?? "");
    result.replaceChildren("Creating…");
    try {
      // Without KAYAKTRACK_PUBLIC_URL the server makes no link for a Host it does not know as its own: the browser knows where it is.
      const made = await api.post<Share>("/api/v1/admin/shares", { ...what, delay: String(data.get("delay")), ...(expires && { expires }) });
      const input = h("input", { type: "text", readonly: true, value: made.url ?? new URL(made.path ?? "", location.origin).href, class: "share-url", "aria-label": "Share link" });
      const copy = h("button", {
        type: "button",
        onclick: async () => {
          input.select();
          try {
            await navigator.clipboard.writeText(input.value);
            copy.textContent = "Copied";
          } catch {
            copy.textContent = "Select and copy";
          }
        },
      }, "Copy");
      result.replaceChildren(h("p", {}, "Anyone with this link can see it; it is shown only now:"), h("div", { class: "row" }, input, copy));
      input.focus();
      input.select();
      onCreated(made);
    } catch (err) {
      result.replaceChildren(h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err)));
    }
  });
  return form;
}
