import type { Delivery } from "../alert.ts";
import type { AlertMessage } from "../alert-message.ts";

/** One way of telling a contact (webhook, e-mail, ntfy). Resolves once the receiver took it. */
export interface Channel {
  send(d: Delivery, m: AlertMessage): Promise<void>;
}

/** A send that failed; `permanent` when trying again cannot help (the receiver refused it for good). */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** How long one attempt may take before it counts as failed (and is retried). */
export const SEND_TIMEOUT_MS = 15_000;

/**
 * Posts to an HTTP receiver; a 2xx is taken. 408, 425, 429 and 5xx are worth another try, as is
 * no answer at all; any other 4xx is the receiver saying no for good (a wrong URL, a topic gone).
 */
export async function postTo(url: string, init: { headers: Record<string, string>; body: string }): Promise<void> {
  const u = new URL(url);
  const headers = { ...init.headers };
  // fetch refuses credentials in the URL: they go in a Basic header, as the URL meant.
  if (u.username || u.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}`;
    u.username = "";
    u.password = "";
  }
  let res: Response;
  try {
    res = await fetch(u, { method: "POST", headers, body: init.body, redirect: "error", signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(`${u.host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, false);
  }
  await res.body?.cancel().catch(() => {});
  if (res.status >= 200 && res.status < 300) return;
  const again = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(`${u.host} answered ${res.status}${res.statusText ? " " + res.statusText : ""}`, !again);
}
