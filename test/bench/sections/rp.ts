import { inProcessRp, timeFixed, warmInProcess } from '../inProcess.js';
import { measureRawCrypto } from '../rawCrypto.js';
import type { Section } from '../section.js';

const COUNT = 300;

/**
 * The relying party in process over a SQLite file: finishRegistration / finishLogin alone
 * (our §7.1/§7.2 checks + @simplewebauthn/server + store write + audit), then whole ceremonies
 * with a node:crypto phone. Each beside the raw crypto it must do, from the same run.
 */
export async function run(): Promise<Section> {
  const raw = await measureRawCrypto();
  await warmInProcess();
  const fx = await inProcessRp();
  try {
    // This store's statement caches (the JIT is warm: warmInProcess).
    for (const u of await fx.prepare(30)) {
      await fx.enrol(u);
      await fx.login(u);
    }
    const users = await fx.prepare(COUNT);
    const regs: { ceremonyId: string; response: any }[] = [];
    for (const u of users) {
      const { ceremonyId, options } = await fx.rp.startRegistration({ sessionId: u.sessionId });
      regs.push({ ceremonyId, response: await u.client.create(options) });
    }
    const verifyReg = await timeFixed(COUNT, (i) => fx.rp.finishRegistration({ sessionId: users[i]!.sessionId, ...regs[i]! }));
    const logins: { ceremonyId: string; response: any }[] = [];
    for (const u of users) {
      const { ceremonyId, options } = await fx.rp.startLogin({ loginId: u.loginId });
      logins.push({ ceremonyId, response: await u.client.get(options) });
    }
    const verifyAuth = await timeFixed(COUNT, (i) => fx.rp.finishLogin(logins[i]!));
    const fresh = await fx.prepare(COUNT);
    const enrol = await timeFixed(COUNT, (i) => fx.enrol(fresh[i]!));
    const login = await timeFixed(COUNT, (i) => fx.login(fresh[i]!));
    const both = 1 / (1 / enrol + 1 / login);
    const floorLogin = 1 / (1 / raw.nodeP256Sign + 1 / raw.nodeP256VerifyImport);
    const floorEnrol = raw.nodeP256Keygen;
    const floorBoth = 1 / (1 / raw.nodeP256Keygen + 1 / raw.nodeP256Sign + 1 / raw.nodeP256VerifyImport);
    const r = (x: number) => Math.round(x);
    const ratio = (floor: number, rate: number) => Number((floor / rate).toFixed(1));
    return {
      title: `Relying party in process (SQLite file, WAL; ${COUNT} ops each; phones on node:crypto)`,
      columns: ['operation', 'ops/s', 'crypto it must do', 'crypto ops/s', 'ratio'],
      rows: [
        ['verifyRegistration (finishRegistration, fmt none)', r(verifyReg), '1 P-256 verify+import (as unit; none = no sig)', r(raw.nodeP256VerifyImport), ratio(raw.nodeP256VerifyImport, verifyReg)],
        ['verifyAuthentication (finishLogin)', r(verifyAuth), '1 P-256 verify+import', r(raw.nodeP256VerifyImport), ratio(raw.nodeP256VerifyImport, verifyAuth)],
        ['enrolment: options → create → verify → store', r(enrol), '1 P-256 keygen', r(floorEnrol), ratio(floorEnrol, enrol)],
        ['login: options → get → verify → store', r(login), 'sign + verify+import', r(floorLogin), ratio(floorLogin, login)],
        ['enrolment + login', r(both), 'keygen + sign + verify+import', r(floorBoth), ratio(floorBoth, both)],
      ],
      notes: [
        'ratio = crypto ops/s ÷ operation ops/s: how many times the bare cryptography the operation costs. Accounts, password login (scrypt N=1024) and email step-up are prepared outside the timing.',
        `goal: enrolment + login within 5× its bare cryptography — ${ratio(floorBoth, both)}×: ${ratio(floorBoth, both) <= 5 ? 'met' : 'MISSED'}`,
      ],
    };
  } finally {
    fx.close();
  }
}
