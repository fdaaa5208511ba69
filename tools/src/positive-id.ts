/** An id given on the command line (a device, a trip, a share…): a positive integer, or an Error naming the option. */
export function positiveId(name: string, v: string): number {
  if (!/^[1-9]\d{0,15}$/.test(v)) throw new Error(`${name} must be a positive integer, not '${v}'`);
  return Number(v);
}
