import { writeSync } from 'node:fs';
// Direct imports, not the index: the child must start fast (it is killed hundreds of times) and
// needs neither the phone vault nor the attestation CA (packed self-attestation loads no x509 code).
import { createAuthenticator } from '../../core/authenticator/createAuthenticator.js';
import { nodeBackend } from '../../core/authenticator/crypto/node.js';
import { createClient } from '../../core/client/index.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openStore } from '../../core/store/index.js';

/**
 * The process the crash test kills: enrols a fresh customer and logs in with the passkey, in a
 * loop, against a file database. Each `ACK` line is written synchronously only after the
 * operation returned, i.e. after its transaction committed; it names what must survive a kill.
 * Usage: node crashChild.mjs <db> <tag>; it loads its code, then waits for a line on stdin before
 * touching the database, so the test can start the next child while the previous one still runs.
 */
const [dbPath, tag] = process.argv.slice(2) as [string, string];
const ORIGIN = 'http://localhost:8787';
type Store = ReturnType<typeof openStore>;
const authenticator = createAuthenticator({ profile: 'windows-hello', backend: nodeBackend, seed: `crash-${tag}` });
const client = createClient({ authenticator, origin: ORIGIN });

const relyingParty = (store: Store) => createRelyingParty({ store, rpId: 'localhost', rpName: 'crash', origins: [ORIGIN], policy: { scryptCost: 1024 } });

/** One enrolment (password login, email step-up, passkey registration) and one passkey login. */
async function cycle(store: Store, rp: ReturnType<typeof relyingParty>, loginId: string, say: (line: object) => void): Promise<void> {
  const lastAudit = () => {
    const row = store.driver.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get<{ id: number; hash: string }>();
    return { auditId: row?.id ?? 0, auditHash: row?.hash ?? '' };
  };
  rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: 'クラッシュ', emails: [`${loginId}@example.test`] });
  const first = rp.login({ loginId, password: 'login-pass' });
  const { emails } = rp.listEmails({ sessionId: first.sessionId });
  await rp.sendStepUpEmail({ sessionId: first.sessionId, emailId: emails[0]!.emailId });
  const mail = rp.listMail({ to: emails[0]!.address }).messages[0]!;
  const code = /認証コード: (\d{6})/.exec(mail.text)![1]!;
  const { sessionId } = rp.verifyStepUp({ sessionId: first.sessionId, code });
  const reg = await rp.startRegistration({ sessionId });
  const { passkey } = await rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
  say({ kind: 'registration', loginId, credentialId: passkey.credentialId, ...lastAudit() });
  const login = await rp.startLogin({ loginId });
  const done = await rp.finishLogin({ ceremonyId: login.ceremonyId, response: await client.get(login.options) });
  say({ kind: 'login', loginId, credentialId: passkey.credentialId, counter: done.counter, ...lastAudit() });
}

// Warm-up on an in-memory store before the go: the first cycle pays for lazy module set-up and JIT,
// which would otherwise put the first acknowledged write hundreds of ms after READY.
const scratch = openStore({ path: ':memory:' });
await cycle(scratch, relyingParty(scratch), `${tag}-warm`, () => {});
scratch.close();

await new Promise((resolve) => process.stdin.once('data', resolve));
const store = openStore({ path: dbPath });
const rp = relyingParty(store);
writeSync(1, 'READY\n');
for (let i = 0; ; i++) {
  await cycle(store, rp, `${tag}-${i}`, (line) => writeSync(1, `ACK ${JSON.stringify(line)}\n`));
}
