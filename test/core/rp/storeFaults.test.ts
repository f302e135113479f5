import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { toErrorReply } from '../../../core/http/errorResponse.js';
import { ceremonyLabel } from '../../../core/rp/ceremony/ceremonyHandle.js';
import { openStore } from '../../../core/store/openStore.js';
import { loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * A database that cannot take a write (read-only, full disk) is the server's fault, not the
 * request's: STORE_FAILED with what went wrong, the transaction rolled back, and the customer's
 * ceremony still usable once the operator has fixed the file.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileEnv(): Env {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-faults-'));
  dirs.push(dir);
  const env = setup({ path: join(dir, 'rp.sqlite') });
  seedCustomer(env);
  return env;
}

async function thrown(promise: Promise<unknown>): Promise<HarnessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HarnessError)) throw new Error(`expected a HarnessError, got ${String(error)}`);
  return error;
}

describe('store faults: STORE_FAILED, nothing half-written, the ceremony can be finished later', () => {
  it('finishRegistration on a read-only database: STORE_FAILED (SQLITE_READONLY); no passkey, no audit row, the challenge unspent; the same response registers once the file is writable', async () => {
    const env = fileEnv();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    const response = await client.create(options);
    const auditBefore = env.store.audit.list({ limit: 1000 }).length;

    env.store.driver.pragma('query_only = ON');
    const error = await thrown(env.rp.finishRegistration({ sessionId, ceremonyId, response }));
    expect(error.code).toBe('STORE_FAILED');
    expect(error.message).toBe('the database is read-only');
    expect(error.details).toEqual({ sqlite: 'SQLITE_READONLY' });
    const reply = toErrorReply(error);
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d/);

    env.store.driver.pragma('query_only = OFF');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    expect(env.store.ceremonies.usedAt(ceremonyLabel(ceremonyId))).toBeUndefined();
    expect(env.store.audit.list({ limit: 1000 }).length).toBe(auditBefore);
    const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response });
    expect(passkey.credentialId).toBe(response.id);
    expect(env.store.passkeys.byCredentialId(response.id)?.name).toBe(passkey.name);
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });

  it('finishLogin on a read-only database: STORE_FAILED; the passkey row unchanged (last use, counter); the same assertion logs in afterwards', async () => {
    const env = fileEnv();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    const { ceremonyId, options } = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(options);
    const before = env.store.passkeys.byCredentialId(response.id)!;

    env.store.driver.pragma('query_only = ON');
    const error = await thrown(env.rp.finishLogin({ ceremonyId, response }));
    expect([error.code, error.details]).toEqual(['STORE_FAILED', { sqlite: 'SQLITE_READONLY' }]);
    env.store.driver.pragma('query_only = OFF');
    expect(env.store.passkeys.byCredentialId(response.id)).toEqual(before);

    const session = await env.rp.finishLogin({ ceremonyId, response });
    expect(session.sessionId).toEqual(expect.any(String));
    expect(before.lastUsedAt).toBeNull();
    expect(env.store.passkeys.byCredentialId(response.id)!.lastUsedAt).toEqual(expect.any(Number));
    env.store.close();
  });

  it('a full database: STORE_FAILED (SQLITE_FULL) and the rows already stored are intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkh-faults-'));
    dirs.push(dir);
    const store = openStore({ path: join(dir, 'full.sqlite') });
    store.driver.exec("INSERT INTO meta (key, value) VALUES ('kept', 'yes')");
    store.driver.pragma(`max_page_count = ${Number(store.driver.pragma('page_count'))}`);
    let error: unknown;
    try {
      store.transaction(() => {
        store.driver.exec("INSERT INTO meta (key, value) VALUES ('small', 'fits')");
        store.driver.exec(`INSERT INTO meta (key, value) VALUES ('big', '${'x'.repeat(64 * 1024)}')`);
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HarnessError);
    expect([(error as HarnessError).code, (error as HarnessError).message, (error as HarnessError).details]).toEqual(['STORE_FAILED', 'the database or its disk is full', { sqlite: 'SQLITE_FULL' }]);
    expect(store.driver.prepare("SELECT key FROM meta WHERE key IN ('kept', 'small', 'big') ORDER BY key").all()).toEqual([{ key: 'kept' }]);
    store.close();
  });

  it('a constraint the code should never break stays INTERNAL (a defect, not an operator problem)', () => {
    const env = setup();
    const error = (() => {
      try {
        env.store.driver.exec('INSERT INTO passkeys (account_id) VALUES (1)');
      } catch (e) {
        return e;
      }
    })();
    expect(error).not.toBeInstanceOf(HarnessError);
    expect(toErrorReply(error).body).toEqual({ code: 'INTERNAL', message: 'Internal error' });
    env.store.close();
  });
});
