import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import type { ScenarioProgress, ScenarioProgressEvent } from '../../../core/harness/types.js';
import type { RunReport } from '../../../core/scenario/report.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const steps = '  - do: createUser\n    user: a\n  - do: createPhone\n    phone: p\n  - do: enroll\n    user: a\n    phone: p\n';
const passing = { name: 'pass.yaml', text: `name: passes\nsteps:\n${steps}    expect: { passkeys: { count: 1 } }\n  - do: loginWithPasskey\n    user: a\n    phone: p\n` };
// Tampering: the enroll step expects two passkeys where one is created, so it fails and the login after it is skipped.
const failing = { name: 'fail.yaml', text: `name: fails\nsteps:\n${steps}    expect: { passkeys: { count: 2 } }\n  - do: loginWithPasskey\n    user: a\n    phone: p\n` };

/** Polls like the console does, collecting every event and each poll's `after`. */
async function follow(h: Harness, runId: string): Promise<{ events: ScenarioProgressEvent[]; last: ScenarioProgress }> {
  const events: ScenarioProgressEvent[] = [];
  for (;;) {
    const last = await h['scenarios.progress']({ runId, after: events.length });
    events.push(...last.events);
    if (last.done) return { events, last };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Durations are wall-clock; everything else of a seeded run is reproducible. */
function withoutTimes(report: RunReport) {
  return { ...report, durationMs: 0, results: report.results.map((r) => ({ ...r, durationMs: 0, steps: r.steps.map((s) => ({ ...s, durationMs: 0 })) })) };
}

describe('scenarios.start / scenarios.progress', () => {
  it('delivers each step then its scenario, in order, and ends with the report scenarios.run gives', async () => {
    const h = (harness = await createHarness({ seed: 'progress-test', clock: new ManualClock() }));
    const input = { sources: [passing, failing], seed: 's' };
    const started = await h['scenarios.start'](input);
    expect(started).toMatchObject({ runId: expect.stringMatching(/^run-/), total: 2 });
    const { events, last } = await follow(h, started.runId);

    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => (e.type === 'step' ? `${e.scenario}/${e.step.index}:${e.step.status}` : `${e.scenario}:${e.status} ${e.done}/${e.total}`))).toEqual([
      'passes/1:passed',
      'passes/2:passed',
      'passes/3:passed',
      'passes/4:passed',
      'passes:passed 1/2',
      'fails/1:passed',
      'fails/2:passed',
      'fails/3:failed',
      'fails/4:skipped',
      'fails:failed 2/2',
    ]);
    const failedStep = events.find((e) => e.type === 'step' && e.step.status === 'failed');
    expect(failedStep?.type === 'step' && failedStep.step.error?.code).toBeTruthy();
    const failedScenario = events.at(-1)!;
    expect(failedScenario.type === 'scenario' && failedScenario.failure).toMatchObject({ index: 3, step: '3: enroll' });

    expect(last.error).toBeUndefined();
    const run = await h['scenarios.run'](input);
    expect(withoutTimes(last.result!)).toEqual(withoutTimes(run));

    // A poll after the end repeats nothing but still says done with the report.
    const again = await h['scenarios.progress']({ runId: started.runId, after: events.length });
    expect(again).toMatchObject({ events: [], done: true, result: { total: 2, passed: 1, failed: 1 } });
    // Without `after`, a late poller gets the whole history.
    expect((await h['scenarios.progress']({ runId: started.runId })).events).toHaveLength(events.length);
  });

  it('refuses an unknown run ID with NOT_FOUND and an invalid source at start', async () => {
    const h = (harness = await createHarness({ seed: 'progress-test', clock: new ManualClock() }));
    await expect(h['scenarios.progress']({ runId: 'run-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h['scenarios.start']({ sources: [{ name: 'bad.yaml', text: 'name: x\n' }] })).rejects.toMatchObject({ code: expect.any(String) });
  });

  it('keeps only the newest runs', async () => {
    const h = (harness = await createHarness({ seed: 'progress-test', clock: new ManualClock() }));
    const ids: string[] = [];
    const tiny = { name: 'tiny.yaml', text: 'name: tiny\nsteps:\n  - do: createUser\n    user: a\n' };
    for (let i = 0; i < 21; i++) ids.push((await h['scenarios.start']({ sources: [tiny], seed: 's' })).runId);
    await expect(h['scenarios.progress']({ runId: ids[0]! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const id of ids.slice(1)) await follow(h, id);
  });

  it('needs the operator role, like scenarios.run', async () => {
    const h = (harness = await createHarness({ seed: 'progress-test', clock: new ManualClock() }));
    const viewer = h.as({ name: 'qa-viewer', role: 'viewer' });
    await expect(viewer['scenarios.start']({ sources: [passing] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { runId } = await h['scenarios.start']({ sources: [passing] });
    await expect(viewer['scenarios.progress']({ runId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await follow(h, runId);
  });
});
