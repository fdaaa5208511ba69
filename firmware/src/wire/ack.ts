/**
 * The acknowledgement the server sends back, short because the modem reads it
 * over the serial port: `A <seq> <stored> <duplicates> <rejected>`, then any
 * settings for the tracker as `name=value` words, and a newline
 * (docs/wire-format.md).
 */
export interface Ack {
  seq: number;
  stored: number;
  duplicates: number;
  rejected: number;
  /** e.g. ["every=300", "after=60"]: the firmware's config checks them */
  settings?: string[];
}

export function formatAck(a: Ack): string {
  const settings = a.settings && a.settings.length ? " " + a.settings.join(" ") : "";
  return "A " + a.seq + " " + a.stored + " " + a.duplicates + " " + a.rejected + settings + "\n";
}

/** The acknowledgement in a reply body, or undefined when the body is not one. */
export function parseAck(body: string): Ack | undefined {
  const words = body.replace(/\s+$/, "").split(" ");
  if (words[0] !== "A" || words.length < 5) return undefined;
  const n: number[] = [];
  for (let i = 1; i < 5; i++) {
    if (!/^\d+$/.test(words[i]!)) return undefined;
    n.push(parseInt(words[i]!, 10));
  }
  return { seq: n[0]!, stored: n[1]!, duplicates: n[2]!, rejected: n[3]!, settings: words.slice(5) };
}
