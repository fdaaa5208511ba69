/** Metres a second in a knot (a nautical mile, 1,852 m, an hour): NMEA RMC field 7 and the OsmAnd protocol give speeds in knots. */
export const KNOT = 1852 / 3600;
