/**
 * A reason not to flash that the user can fix (bad config, unknown board,
 * code too large, another board on the port). `kayaktrack flash` prints it
 * and exits with code 2, having sent nothing to the board.
 */
export class Refusal extends Error {
  override name = "Refusal";
  constructor(
    message: string,
    /** the individual problems, one per line, when there are several */
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  ${problems.join("\n  ")}` : message);
  }
}
