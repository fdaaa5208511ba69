declare const E: { toArrayBuffer?: (s: string) => ArrayBuffer } | undefined;

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
