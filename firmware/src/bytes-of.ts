declare const E: { toArrayBuffer?: (s: string) => ArrayBuffer; toString?: (b: Uint8Array) => string } | undefined;

/**
 * The bytes of a string of byte-sized characters: natively on Espruino
 * (E.toArrayBuffer, a few µs, where a loop costs µs per character), by
 * character code elsewhere.
 */
export function bytesOf(s: string): Uint8Array {
  if (typeof E !== "undefined" && E.toArrayBuffer) return new Uint8Array(E.toArrayBuffer(s));
  const a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i) & 255;
  return a;
}

/** The string of byte-sized characters a serial port sends for these bytes (E.toString on Espruino). */
export function textOf(b: Uint8Array): string {
  if (typeof E !== "undefined" && E.toString) return E.toString(b);
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}
