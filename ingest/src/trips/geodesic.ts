import geodesic from "geographiclib-geodesic";

const WGS84 = geodesic.Geodesic.WGS84;
const DISTANCE = geodesic.Geodesic.DISTANCE;

/** Distance in metres along the WGS84 ellipsoid (Karney's geodesic, exact to nanometres). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return WGS84.Inverse(lat1, lon1, lat2, lon2, DISTANCE).s12!;
}
