/**
 * Prints the PIN-guessing bounds of docs/security.md from the configured defaults:
 * guesses per window and per day for each kind of attacker, and the expected hits
 * per day at K live PINs. Run: npx tsx scripts/guessing-bounds.ts
 */
import { defaultConfig } from '#domain/config';
import { GLOBAL_CEILING_FACTOR } from '#domain/pin-redemption';

const pinSpace = 10 ** defaultConfig.pinDigits;
const windowsPerDay = 86_400 / defaultConfig.redeemFailureWindowSeconds;
// A PIN's validity overlaps at most this many fixed windows.
const windowsPerPin = Math.ceil(defaultConfig.pinValiditySeconds / defaultConfig.redeemFailureWindowSeconds) + 1;
const perClient = defaultConfig.redeemFailuresPerClient;
const budget = defaultConfig.redeemFailuresGlobal;
const ceiling = budget * GLOBAL_CEILING_FACTOR;
const keysToReachBudget = Math.ceil(budget / perClient);

const attackers = [
  { who: 'one client key (IPv4 address or IPv6 /64)', keys: '1', perWindow: perClient },
  { who: 'distributed, below "under attack"', keys: `${keysToReachBudget}`, perWindow: budget },
  { who: 'distributed, up to the ceiling', keys: `${keysToReachBudget + ceiling - budget}`, perWindow: ceiling },
];
const livePins = [10, 100, 1000];
const round = (value: number) => (value >= 10 ? value.toFixed(0) : value >= 0.1 ? value.toFixed(2) : value.toFixed(4));

console.log(
  `defaults: ${perClient} per client key, global budget ${budget}, ceiling ${ceiling} (x${GLOBAL_CEILING_FACTOR}) per ${defaultConfig.redeemFailureWindowSeconds} s window; ${windowsPerDay} windows a day; PIN space ${pinSpace}`,
);
console.log(
  `| attacker | client keys per window | guesses per window | guesses per day | P(a given PIN is hit) | ${livePins.map((k) => `hits/day K=${k}`).join(' | ')} |`,
);
console.log(`|---|---:|---:|---:|---:|${livePins.map(() => '---:').join('|')}|`);
for (const attacker of attackers) {
  const perDay = attacker.perWindow * windowsPerDay;
  const perPin = (attacker.perWindow * windowsPerPin) / pinSpace;
  const hits = livePins.map((k) => round((perDay * k) / pinSpace));
  console.log(
    `| ${attacker.who} | ${attacker.keys} | ${attacker.perWindow} | ${perDay} | ${(perPin * 100).toFixed(3)} % | ${hits.join(' | ')} |`,
  );
}
