/** One position from the receiver. Absent measurements are undefined. */
export interface Fix {
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
