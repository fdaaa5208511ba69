/**
 * One position as the receiver reported it, in the NMEA sentences' terms: absent measurements are
 * undefined (an empty field) and GGA's quality comes along. FixKeeper turns a kept one into the
 * wire's WireFix (wire/batch.ts), where absent is null as on the server.
 */
export interface GpsFix {
  /** epoch seconds, UTC, with the receiver's fraction */
  time: number;
  lat: number;
  lon: number;
  /** metres above mean sea level */
  alt: number | undefined;
  /** m/s */
  speed: number | undefined;
  /** degrees from true north */
  course: number | undefined;
  hdop: number | undefined;
  sats: number | undefined;
  /** GGA quality (1 GPS, 2 DGPS, …); 1 when only RMC or GLL gave the position */
  quality: number;
}
