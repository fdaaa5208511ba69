import { runReliability } from "../reliability/reliability-suite.ts";

/** `kayaktrack reliability [--full] [--only a,b]` (`pnpm test:reliability`): exit code 1 when a check fails. */
export async function reliabilityCommand(o: { full?: boolean; only?: string }): Promise<void> {
  const ok = await runReliability(o);
  if (!ok) process.exitCode = 1;
}
