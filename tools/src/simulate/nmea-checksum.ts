/** NMEA 0183 checksum: the XOR of every character between '$' and '*', as two upper-case hex digits. */
export function nmeaChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}

/** `$body*hh` for a sentence body such as "GPGLL,,,,,,V,N". */
export function withChecksum(body: string): string {
  if (/[$*\r\n]/.test(body)) throw new Error(`an NMEA sentence body cannot hold '$', '*' or a line end: ${JSON.stringify(body)}`);
  return `$${body}*${nmeaChecksum(body)}`;
}
