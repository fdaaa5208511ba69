/** NMEA 0183 checksum: XOR of the characters between $ and *. */
const sentence = (body: string) => {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return "$" + body + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\r\n";
};
const pad = (n: number, w: number, d = 0) => n.toFixed(d).padStart(w + (d ? d + 1 : 0), "0");
const angle = (deg: number, w: number) => {
  const a = Math.abs(deg);
  return pad(Math.floor(a), w) + pad((a - Math.floor(a)) * 60, 2, 5);
};

/** One epoch as a NEO-6M sends it with only RMC and GGA on: a test's GPS. */
export function nmeaEpoch(f: { time: number; lat: number; lon: number; speed: number; course: number; alt?: number }): string {
  const d = new Date(f.time * 1000);
  const hms = pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds() + (f.time % 1), 2, 2);
  const dmy = pad(d.getUTCDate(), 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCFullYear() % 100, 2);
  const lat = angle(f.lat, 2) + "," + (f.lat < 0 ? "S" : "N");
  const lon = angle(f.lon, 3) + "," + (f.lon < 0 ? "W" : "E");
  return (
    sentence(`GPRMC,${hms},A,${lat},${lon},${(f.speed / 0.514444).toFixed(3)},${f.course.toFixed(2)},${dmy},,,A`) +
    sentence(`GPGGA,${hms},${lat},${lon},1,08,0.9,${(f.alt ?? 12).toFixed(1)},M,40.0,M,,`)
  );
}
