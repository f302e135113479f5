import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../../core/scenario/runScenarios.js';
import { loadScenarios } from '../../../core/scenario/validateScenarios.js';
import { inspectCeremony } from '../../../core/inspect/index.js';
import { formatJunit } from '../../../core/scenario/reporters/formatJunit.js';

const enrol = `name: enrol
steps:
  - do: createUser
    user: alice
  - do: createPhone
    phone: p
  - do: enroll
    user: alice
    phone: p
  - do: loginWithPasskey
    user: alice
    phone: p
`;

const failing = `name: failing
steps:
  - do: createUser
    user: bob
  - name: wrong expectation here
    do: login
    user: bob
    expect: { error: LOGIN_FAILED }
  - do: check
`;

const sources = (texts: Record<string, string>) => loadScenarios(Object.entries(texts).map(([name, text]) => ({ name, text })));

describe('scenario runner', () => {
  it('advanceClock refuses to move the clock past year 9999 (INVALID_INPUT at that step), however many steps add up', async () => {
    // Each step is within its bounds (a year of seconds plus a year of minutes); 4,000 of them are 8,000 years past 2026.
    const text = `name: far future\nsteps:\n${'  - { do: advanceClock, seconds: 31622400, minutes: 527040 }\n'.repeat(4_000)}  - { do: setMdsStatus, profile: yubikey-5, status: REVOKED }\n`;
    const report = await runScenarios({ scenarios: sources({ 'future.yaml': text }), seed: 's' });
    const failed = report.results[0]!.steps.find((s) => s.status === 'failed')!;
    expect(failed.action).toBe('advanceClock');
    expect(failed.error!.message).toMatch(/got INVALID_INPUT: advanceClock would move the scenario clock past 9999-12-31T23:59:59\.999Z$/);
  });

  it('refuses repeat and concurrency outside 1…1000 and 1…64 before allocating anything', async () => {
    const scenarios = sources({ 'f.yaml': failing });
    for (const bad of [{ repeat: 0 }, { repeat: 1.5 }, { concurrency: 65 }, { concurrency: 0 }, { concurrency: Number.NaN }, { repeat: 99_999_999_999 }]) {
      await expect(runScenarios({ scenarios, seed: 's', ...bad }), JSON.stringify(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('is deterministic for a seed: same credential IDs and codes byte for byte', async () => {
    const withMail = `${enrol}  - do: check\n    expect: { mailbox: { to: alice@example.test, subjectContains: '' } }\n`;
    const one = await runScenarios({ scenarios: sources({ 'a.yaml': withMail }), seed: 'fixed' });
    const two = await runScenarios({ scenarios: sources({ 'a.yaml': withMail }), seed: 'fixed' });
    expect(one.failed).toBe(0);
    const strip = (r: typeof one) => r.results.map(({ durationMs, steps, ...rest }) => ({ ...rest, steps: steps.map(({ durationMs: _d, ...s }) => s) }));
    expect(strip(one)).toEqual(strip(two));
  });

  it('a --seed replays the same run whatever path names the file (CI from the repository, the console by file name)', async () => {
    // The refused login keeps its ceremony (challenge, credential ID, signature): all of it from the seeded randomness.
    const refused = `${enrol}  - do: injectFault\n    phone: p\n    fault: corruptSignature\n  - do: loginWithPasskey\n    user: alice\n    phone: p\n    expect: { error: SIGNATURE_INVALID }\n`;
    const ceremony = async (file: string, seed: string) => {
      const [result] = (await runScenarios({ scenarios: sources({ [file]: refused }), seed })).results;
      expect(result!.status).toBe('passed');
      return { seed: result!.seed, ceremony: JSON.stringify(result!.steps.at(-1)!.ceremony) };
    };
    const inRepo = await ceremony('examples/scenarios/a.yaml', 'ci');
    expect(inRepo.ceremony.length).toBeGreaterThan(100);
    expect(await ceremony('a.yaml', 'ci')).toEqual(inRepo);
    expect((await ceremony('a.yaml', 'other')).ceremony).not.toBe(inRepo.ceremony);
  });

  it('names the failing step and skips the rest', async () => {
    const report = await runScenarios({ scenarios: sources({ 'f.yaml': failing }), seed: 's' });
    const [result] = report.results;
    expect(result).toMatchObject({ status: 'failed', failure: { step: 'wrong expectation here', index: 2, code: 'EXPECTATION_FAILED' } });
    expect(result!.failure!.message).toContain('expected LOGIN_FAILED, but the step succeeded');
    expect(result!.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
  });

  it('reports each step as it settles, before its scenario finishes', async () => {
    const log: string[] = [];
    await runScenarios({
      scenarios: sources({ 'f.yaml': failing }),
      seed: 's',
      onStep: (where, step) => log.push(`${where.file}#${where.iteration} ${step.index}:${step.status}`),
      onProgress: (done, total, result) => log.push(`done ${done}/${total} ${result.status}`),
    });
    expect(log).toEqual(['f.yaml#1 1:passed', 'f.yaml#1 2:failed', 'f.yaml#1 3:skipped', 'done 1/1 failed']);
  });

  it('runs each scenario in its own database (same usernames do not collide) and keeps order under concurrency', async () => {
    const report = await runScenarios({ scenarios: sources({ 'a.yaml': enrol, 'b.yaml': enrol, 'f.yaml': failing }), seed: 's', concurrency: 2, repeat: 2, mode: 'inline' });
    expect(report.total).toBe(6);
    expect(report.results.map((r) => `${r.file}#${r.iteration}`)).toEqual(['a.yaml#1', 'b.yaml#1', 'f.yaml#1', 'a.yaml#2', 'b.yaml#2', 'f.yaml#2']);
    expect(report.passed).toBe(4);
    expect(report.failed).toBe(2);
  });

  it('an unexpected error in a step fails that step with its code', async () => {
    const text = 'name: x\nsteps:\n  - do: loginWithPasskey\n    phone: missing\n';
    const [result] = (await runScenarios({ scenarios: sources({ 'x.yaml': text }), seed: 's' })).results;
    expect(result!.failure).toMatchObject({ step: '1: loginWithPasskey', code: 'EXPECTATION_FAILED' });
    expect(result!.failure!.message).toContain('PHONE_NOT_FOUND');
  });

  it('a failed or refused ceremony step carries its options and response, which the inspector opens; other steps carry none', async () => {
    const text = `name: origin
steps:
  - do: createUser
    user: eve
  - do: createPhone
    phone: p
  - do: enroll
    user: eve
    phone: p
  - do: injectFault
    phone: p
    fault: wrongOrigin
  - name: refused as expected
    do: loginWithPasskey
    user: eve
    phone: p
    expect: { error: ORIGIN_MISMATCH }
  - name: expected to pass, fails
    do: loginWithPasskey
    user: eve
    phone: p
`;
    const report = await runScenarios({ scenarios: sources({ 'o.yaml': text }), seed: 's' });
    const [result] = report.results;
    const byName = new Map(result!.steps.map((s) => [s.name, s]));
    expect(byName.get('3: enroll')!.ceremony).toBeUndefined();
    for (const name of ['refused as expected', 'expected to pass, fails']) {
      const step = byName.get(name)!;
      expect(step.ceremony, name).toMatchObject({ ceremony: 'get', phone: 'p', rpId: 'localhost', origin: 'http://localhost:8787' });
      const inspection = inspectCeremony({ response: step.ceremony!.response!, rpId: step.ceremony!.rpId, expectedOrigin: step.ceremony!.origin, expectedChallenge: step.ceremony!.options.challenge as string });
      expect(inspection.steps.find((s) => s.id === 'origin')).toMatchObject({ status: 'fail', detail: 'https://evil.example' });
      expect(inspection.steps.find((s) => s.id === 'challenge')?.status).toBe('pass');
    }
    expect(byName.get('expected to pass, fails')!.status).toBe('failed');
    // JUnit carries it beside the failure, ready for `pkh inspect`.
    const xml = formatJunit(report);
    const failed = byName.get('expected to pass, fails')!.ceremony!;
    expect(xml).toContain(`<system-out>WebAuthn get() on p, challenge ${String(failed.options.challenge)}, origin http://localhost:8787; response:`);
    expect(xml).toContain(String(failed.response!.id));
  });
});

