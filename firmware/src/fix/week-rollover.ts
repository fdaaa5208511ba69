/**
 * GPS week rollover. GPS broadcasts the week number in 10 bits, so it wraps
 * every 1,024 weeks (1999-08-22, 2019-04-07, 2038-11-21); a receiver whose
 * firmware resolves the week against a base that has passed reports dates
 * 1,024 weeks (19.6 years) early, with the right time of day. gpsd moves such
 * dates on by 1,024 weeks when they lie before what its build knows to be past
 * (timebase.c); the tracker does the same with a date before this firmware was
 * written, and trusts every other date the GPS gives, whatever the board's clock
 * says (a board without a backup battery starts in 1970).
 */

/** 1,024 weeks in days */
export const ROLLOVER_DAYS = 7168;

/** 2026-01-01 in days since 1970: no GPS date before it is true for this firmware. Its window runs to 2045-08-17. */
export const NOT_BEFORE_DAY = 20454;

/** `day` (days since 1970) moved on by whole rollovers until it is not before `notBefore`. */
export function afterRollover(day: number, notBefore: number): number {
  return day >= notBefore ? day : day + Math.ceil((notBefore - day) / ROLLOVER_DAYS) * ROLLOVER_DAYS;
}
