import { CONTACT_KINDS, type ContactKind } from "./alert.ts";

/**
 * What is wrong with a contact, or undefined: the kind must be known, a webhook's or ntfy topic's
 * target an http(s) URL (an ntfy one with the topic as its last part), an e-mail's an address,
 * the name a short string. The API and the command line both ask it.
 */
export function checkContact(kind: ContactKind, target: string, name?: unknown): string | undefined {
  if (!CONTACT_KINDS.includes(kind)) return `'kind' must be one of ${CONTACT_KINDS.join(", ")}`;
  if (name !== undefined && name !== null && (typeof name !== "string" || name.length > 100)) return "'name' must be a string of at most 100 characters";
  if (target.length > 500) return "'target' is longer than 500 characters";
  if (kind === "email") return /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/.test(target) ? undefined : "'target' must be an e-mail address";
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return "'target' must be an http:// or https:// URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "'target' must be an http:// or https:// URL";
  if (kind === "ntfy" && !u.pathname.replace(/\/+$/, "").split("/").pop()) return "'target' must be an ntfy topic URL, such as https://ntfy.sh/kari-kayak";
  return undefined;
}
