import type { Alert, Api } from "./api.ts";
import { h } from "./dom.ts";

/** The admin's buttons for an open alert: acknowledge (someone is on it) and clear (all is well; the contacts are told). */
export function alertActions(api: Api, a: Pick<Alert, "id" | "acknowledgedAt" | "clearedAt">, done: () => void): HTMLElement[] {
  if (a.clearedAt !== null) return [];
  const act = (what: "ack" | "clear") => async (e: Event) => {
    (e.currentTarget as HTMLButtonElement).disabled = true;
    await api.post(`/api/v1/alerts/${a.id}/${what}`, {});
    done();
  };
  return [
    a.acknowledgedAt === null ? h("button", { type: "button", class: "ack", onclick: act("ack") }, "Acknowledge") : null,
    h("button", { type: "button", class: "danger clear", onclick: act("clear") }, "Clear"),
  ].filter((b): b is HTMLButtonElement => b !== null);
}
