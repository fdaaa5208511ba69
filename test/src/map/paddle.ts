/** A fix as POST /api/v1/batches takes it. */
export interface BatchFix {
  time: number;
  lat: number;
  lon: number;
  alt: number;
  speed: number;
  course: number;
  battery?: number;
}

/**
 * A paddle of `count` fixes a second apart from `t0`: speed swinging between
 * 0.8 and 3.2 m/s (3–11.5 km/h, several colours of the scale), heading
 * slowly turning, altitude a few metres up and down.
 */
export function paddle(t0: number, count: number, from = { lat: 59.9, lon: 10.7 }): BatchFix[] {
  const fixes: BatchFix[] = [];
  let { lat, lon } = from;
  let heading = 0.3;
  for (let i = 0; i < count; i++) {
    const speed = 2 + 1.2 * Math.sin(i / 90);
    heading += 0.004 * Math.sin(i / 300);
    lat += (Math.cos(heading) * speed) / 111_320;
    lon += (Math.sin(heading) * speed) / (111_320 * Math.cos((lat * Math.PI) / 180));
    fixes.push({ time: t0 + i, lat, lon, alt: Math.round(3 + 2 * Math.sin(i / 200)), speed: Math.round(speed * 100) / 100, course: Math.round(((heading * 180) / Math.PI + 360) % 360), battery: 90 - Math.floor(i / 600) });
  }
  return fixes;
}

/** Posts fixes as the firmware would: JSON batches of up to `size` fixes with rising seq. */
export async function postBatches(url: string, device: { id: number; token: string }, fixes: BatchFix[], seqFrom: number, size = 200): Promise<number> {
  let seq = seqFrom;
  for (let i = 0; i < fixes.length; i += size) {
    const res = await fetch(`${url}/api/v1/batches`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
      body: JSON.stringify({ device: device.id, seq: seq++, fixes: fixes.slice(i, i + size) }),
    });
    if (res.status !== 200) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
  }
  return seq;
}
