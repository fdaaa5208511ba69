/**
 * The fixed speed scale of the track's colours, in km/h, the same for every
 * trip so that colours compare across trips. Paddling is 4–10 km/h.
 */
export interface SpeedBand {
  /** km/h, inclusive */
  from: number;
  /** km/h, exclusive; Infinity for the last */
  to: number;
  color: string;
  label: string;
}

const band = (from: number, to: number, color: string): SpeedBand => ({
  from,
  to,
  color,
  label: to === Infinity ? `${from}+ km/h` : `${from}–${to} km/h`,
});

export const SPEED_BANDS: readonly SpeedBand[] = [
  band(0, 2, "#6a51a3"),
  band(2, 4, "#2171b5"),
  band(4, 6, "#1a9850"),
  band(6, 8, "#d9a400"),
  band(8, 10, "#f46d43"),
  band(10, Infinity, "#c51b1b"),
];

/** The colour of a track whose speed is not known. */
export const UNKNOWN_SPEED_COLOR = "#7f7f7f";

/** The band of a speed in m/s, as an index into SPEED_BANDS; -1 when unknown. */
export function speedBand(mps: number | null | undefined): number {
  if (mps === null || mps === undefined || !Number.isFinite(mps)) return -1;
  const kmh = mps * 3.6;
  const i = SPEED_BANDS.findIndex((b) => kmh < b.to);
  return i < 0 ? SPEED_BANDS.length - 1 : i;
}

export function speedColor(mps: number | null | undefined): string {
  const i = speedBand(mps);
  return i < 0 ? UNKNOWN_SPEED_COLOR : SPEED_BANDS[i]!.color;
}
