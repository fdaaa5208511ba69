// Runs one attack of attacker.ts in this process until SIGTERM, then prints what it did as one JSON line.
// Started by availability.ts: node --import tsx attacker-process.ts NAME TARGET_JSON
import { ATTACKS, type AttackCounts, type AttackTarget } from "./attacker.ts";

const [name, targetJson] = process.argv.slice(2);
const attack = ATTACKS[name!];
if (!attack || !targetJson) {
  process.stderr.write(`usage: attacker-process.ts ${Object.keys(ATTACKS).join("|")} TARGET_JSON\n`);
  process.exit(2);
}
const counts: AttackCounts = {};
let stopped = false;
process.once("SIGTERM", () => {
  stopped = true;
  process.stdout.write(JSON.stringify(counts) + "\n", () => process.exit(0));
});
void attack.attack(JSON.parse(targetJson) as AttackTarget, () => stopped, counts, () => process.stdout.write("ready\n"));
