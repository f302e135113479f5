/**
 * Where an enrol + login spends its time, phase by phase, for ours (the RP over a SQLite file + our
 * phone) and for peer (1) (@simplewebauthn/server + the minimal node:crypto authenticator): µs per
 * awaited call, after a warm-up. Not part of `npm run bench`; docs/PERFORMANCE.md quotes it.
 *
 *   npm run build:cli && node --import tsx test/bench/phases.ts [count]
 */
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { inProcessRp, ORIGIN } from './inProcess.js';
import { minimalAuthenticator } from './sections/peers.js';

const count = Number(process.argv[2] ?? 2000);
const PHASES = ['registration options', 'authenticator create', 'finish registration', 'login options', 'authenticator get', 'finish login'] as const;

/** Runs `once` count times untimed, then count times timed; µs per call of each phase. */
async function measure(once: (timed: <T>(phase: number, fn: () => Promise<T> | T) => Promise<T>, i: number) => Promise<void>): Promise<{ phases: number[]; wall: number }> {
  const spent = PHASES.map(() => 0n);
  const timed = async <T>(phase: number, fn: () => Promise<T> | T): Promise<T> => {
    const start = process.hrtime.bigint();
    const result = await fn();
    spent[phase]! += process.hrtime.bigint() - start;
    return result;
  };
  for (let i = 0; i < count; i++) await once(async (_phase, fn) => fn(), i);
  const start = performance.now();
  for (let i = 0; i < count; i++) await once(timed, count + i);
  const wall = ((performance.now() - start) * 1000) / count;
  return { phases: spent.map((ns) => Number(ns) / 1000 / count), wall };
}

const fx = await inProcessRp();
const users = await fx.prepare(count * 2);
const ours = await measure(async (timed, i) => {
  const u = users[i]!;
  const reg = await timed(0, () => fx.rp.startRegistration({ sessionId: u.sessionId }));
  const created = await timed(1, () => u.client.create(reg.options));
  await timed(2, () => fx.rp.finishRegistration({ sessionId: u.sessionId, ceremonyId: reg.ceremonyId, response: created }));
  const login = await timed(3, () => fx.rp.startLogin({ loginId: u.loginId }));
  const got = await timed(4, () => u.client.get(login.options));
  await timed(5, () => fx.rp.finishLogin({ ceremonyId: login.ceremonyId, response: got }));
});
fx.close();

const auth = minimalAuthenticator();
const peer = await measure(async (timed, i) => {
  const regOptions = await timed(0, () => generateRegistrationOptions({ rpName: 'peer', rpID: 'localhost', userName: `u${i}`, attestationType: 'none' }));
  const created = await timed(1, () => auth.create(regOptions));
  const reg = await timed(2, () => verifyRegistrationResponse({ response: created as never, expectedChallenge: regOptions.challenge, expectedOrigin: ORIGIN, expectedRPID: 'localhost' }));
  const credential = reg.registrationInfo!.credential;
  const authOptions = await timed(3, () => generateAuthenticationOptions({ rpID: 'localhost', allowCredentials: [{ id: credential.id }] }));
  const got = await timed(4, () => auth.get(authOptions));
  const result = await timed(5, () => verifyAuthenticationResponse({ response: got as never, expectedChallenge: authOptions.challenge, expectedOrigin: ORIGIN, expectedRPID: 'localhost', credential }));
  if (!result.verified) throw new Error('peer (1) login failed');
});

console.log(`µs per enrol + login, ${count} timed after ${count} untimed (node ${process.versions.node})`);
console.log(`${'phase'.padEnd(22)}${'ours'.padStart(8)}${'peer (1)'.padStart(10)}`);
PHASES.forEach((name, i) => console.log(`${name.padEnd(22)}${ours.phases[i]!.toFixed(0).padStart(8)}${peer.phases[i]!.toFixed(0).padStart(10)}`));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
console.log(`${'sum'.padEnd(22)}${sum(ours.phases).toFixed(0).padStart(8)}${sum(peer.phases).toFixed(0).padStart(10)}`);
console.log(`${'enrol + login/s'.padEnd(22)}${(1e6 / ours.wall).toFixed(0).padStart(8)}${(1e6 / peer.wall).toFixed(0).padStart(10)}`);
