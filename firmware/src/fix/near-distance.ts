const M_PER_DEG = 111_320;

/** Metres between two nearby positions (equirectangular: exact enough under a few km, cheap on the board). */
export function nearDistanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const x = (lon2 - lon1) * Math.cos(((lat1 + lat2) * Math.PI) / 360);
  const y = lat2 - lat1;
  return Math.sqrt(x * x + y * y) * M_PER_DEG;
}
