import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../core/harness/createHarness.js';
import type { RunReport } from '../../core/scenario/report.js';
import { stepLabel } from '../../core/scenario/reporters/formatHuman.js';
import { SCREENSHOT_DIR } from '../support/browser.js';
import { focusedTestId as focusedTestIdOf, startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';
import { holdAnswer } from '../support/holdAnswer.js';

/**
 * What an auditor, QA and CI stumbled on in the Server and Scenarios tabs at 1280×800, in Chromium
 * over HTTP against the real core: the audit log thousands of pixels below twenty mails, actions as
 * raw codes and the revocation's reason buried in a blob, a chain badge still green after the server
 * stopped answering, a failed step's ceremony opening out of sight with every check passed and no
 * word of what the server said, step names unlike the CLI's, and validation problems without lines.
 */
const VIEWPORT = { width: 1280, height: 800 };
let fixture: ConsoleInBrowser;
let harness: Harness;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `ux-server-${name}.png`), fullPage: false });
}

/** Whether the element's top edge is inside the viewport (it can be read without scrolling). */
const topInViewport = (target: Locator) =>
  target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.top < el.ownerDocument.defaultView!.innerHeight;
  });

const focusedTestId = () => focusedTestIdOf(page);

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-ux-server-',
    viewport: VIEWPORT,
    seed: async (h) => {
      // Three enrolments mail six messages: enough to push whatever sits below the mailbox out of sight.
      for (const [username, displayName] of [['hanako', '山田 花子'], ['kenji', '田中 健二'], ['yumi', '佐々木 由美']] as const) {
        await h['users.create']({ username, displayName, emails: [`${username}@example.jp`] });
        await h['phones.create']({ name: `iphone-${username}`, profile: 'iphone-icloud' });
        await h['enroll']({ username, phone: `iphone-${username}` });
      }
      const [passkey] = await h['admin.passkeys']({ username: 'kenji' });
      await h['admin.revoke']({ credentialId: passkey!.credentialId, reason: '端末紛失のお申し出', ticket: 'SUP-1042' });
    },
  });
  ({ harness, page } = fixture);
  await fixture.open('suzuki', 'operator');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('an auditor answering "who revoked this passkey, when, why" in the Server tab', () => {
  it('finds the audit log without scrolling past the mailbox', async () => {
    await page.getByTestId('tab-server').click();
    await expect.poll(() => page.getByTestId('mail').count()).toBeGreaterThanOrEqual(6);
    await page.getByTestId('audit-chain').waitFor();
    expect(await topInViewport(page.getByTestId('audit').getByRole('heading', { level: 2 }))).toBe(true);
    await shot('1-top');
  });

  it('reads the revocation as words: the action, who, the reason and the ticket on their own lines', async () => {
    await page.getByTestId('audit-filter-action').fill('admin.revoke');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-page-info').getAttribute('data-total')).toBe('1');
    const row = page.getByTestId('audit').getByTestId('audit-row');
    expect(await row.getByTestId('audit-action-label').textContent()).toBe('パスキー失効');
    // The code stays beside the words: it is what the filter takes.
    expect(await row.locator('code').first().textContent()).toBe('admin.revokePasskey');
    expect(await row.getByTestId('audit-target').textContent()).toBe('kenji');
    expect(await row.getByTestId('audit-reason').textContent()).toBe('理由: 端末紛失のお申し出');
    expect(await row.getByTestId('audit-ticket').textContent()).toBe('チケット: SUP-1042');
    await row.scrollIntoViewIfNeeded();
    await shot('2-revocation');
  });

  it('says a filter matched nothing as a filter result, not as an empty log', async () => {
    await page.getByTestId('audit-filter-action').fill('admin.nothing');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-page-info').getAttribute('data-total')).toBe('0');
    expect(await page.getByTestId('audit').getByTestId('audit-empty').textContent()).toBe('この条件に一致する記録はありません。');
    await page.getByTestId('audit-filter-clear').click();
    await expect.poll(async () => Number(await page.getByTestId('audit-page-info').getAttribute('data-total'))).toBeGreaterThan(1);
  });

  it('does not keep showing "chain intact" when the chain could not be verified, and says when it last was', async () => {
    await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('true');
    await page.route('**/api/harness/admin.verifyAudit', (route) => route.abort('connectionrefused'));
    try {
      await page.getByTestId('audit-verify').click();
      await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('unknown');
      expect(await page.getByTestId('audit').getByTestId('error-code').textContent()).toBe('SERVER_UNAVAILABLE');
      expect(await page.getByTestId('audit-chain').textContent()).toContain('未検証');
      expect(await page.getByTestId('audit-chain-checked').count()).toBe(0);
      await page.getByTestId('audit').scrollIntoViewIfNeeded();
      await shot('3-chain-unknown');
    } finally {
      await page.unroute('**/api/harness/admin.verifyAudit');
    }
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('audit-chain-checked').textContent()).toMatch(/に検証$/);
  });
});

const CORRUPT_SIGNATURE = 'shipped:13-fault-corrupt-signature.yaml';

async function runToReport(): Promise<void> {
  await page.getByTestId('scenario-run').click();
  await page.getByTestId('scenario-report').waitFor({ timeout: 60_000 });
}

describe('QA running a shipped scenario and finding out why a step failed', () => {
  it('a refusal the scenario expects says so, and the console names steps as the CLI and JUnit do', async () => {
    await page.getByTestId('tab-scenarios').click();
    await page.getByTestId('scenario-pick').selectOption(CORRUPT_SIGNATURE);
    await runToReport();
    await expect.poll(() => page.getByTestId('scenario-result').getAttribute('data-status')).toBe('passed');
    const refused = page.locator('[data-testid="scenario-step"]', { has: page.getByTestId('scenario-step-expected') });
    expect(await refused.getByTestId('scenario-step-expected').textContent()).toBe('想定どおりの拒否:');
    expect(await refused.locator('code').textContent()).toBe('SIGNATURE_INVALID');
    // The JSON export is the CLI's --reporter json document; the table names its steps the same way.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-json').click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as RunReport;
    const labels = await page.getByTestId('scenario-step-label').allTextContents();
    expect(labels).toEqual(exported.results[0]!.steps.map(stepLabel));
    expect(labels[5]).toBe('6: injectFault "disarm the fault and log in normally"');
    expect(await page.getByTestId('scenario-replay').textContent()).toBe(`pkh scenario run 13-fault-corrupt-signature.yaml --seed ${exported.seed}`);
    expect(await page.getByTestId('scenario-summary').textContent()).toContain(`実行 ${exported.total} 回`);
    // One run is "1 scenario run" in English, not "1 scenario runs".
    expect(exported.total).toBe(1);
    await page.getByTestId('locale').selectOption('en');
    expect(await page.getByTestId('scenario-summary').textContent()).toContain('(1 scenario run · ');
    await page.getByTestId('locale').selectOption('ja');
    await shot('4-expected-refusal');
  });

  it("a CI report's seed typed into the console replays that run: the same seed, the same step results", async () => {
    const replay = page.getByTestId('scenario-replay');
    /** Runs with `seed` and waits for that run's own report (the replay line names its seed), then its JSON. */
    const runWithSeed = async (seed: string): Promise<RunReport> => {
      await page.getByTestId('scenario-seed').fill(seed);
      await page.getByTestId('scenario-run').click();
      await expect.poll(() => replay.textContent(), { timeout: 60_000 }).toBe(`pkh scenario run 13-fault-corrupt-signature.yaml --seed ${seed}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-json').click()]);
      return JSON.parse(readFileSync((await download.path())!, 'utf8')) as RunReport;
    };
    await page.getByTestId('scenario-pick').selectOption(CORRUPT_SIGNATURE);
    const first = await runWithSeed('ci-run-4711');
    expect(first.seed).toBe('ci-run-4711');
    expect((await runWithSeed('another-run')).seed).toBe('another-run');
    const again = await runWithSeed('ci-run-4711');
    const outcome = (r: RunReport) => r.results.map((x) => [x.seed, x.status, x.steps.map((st) => [st.status, st.error?.code ?? null])]);
    expect(outcome(again)).toEqual(outcome(first));
    await page.getByTestId('scenario-seed').fill('');
  });

  it('while a run is in flight its scenario cannot be changed, and its report keeps naming the scenario that ran', async () => {
    await page.getByTestId('scenario-pick').selectOption(CORRUPT_SIGNATURE);
    await page.getByTestId('scenario-seed').fill('held-run');
    // The run's start is held at the server's door until the fields have been looked at.
    const start = await holdAnswer(page, '**/api/harness/scenarios.start', { answeredFirst: true });
    try {
      await page.getByTestId('scenario-run').click();
      await start.held;
      for (const id of ['scenario-pick', 'scenario-open', 'scenario-name', 'scenario-repeat', 'scenario-seed']) expect(await page.getByTestId(id).isDisabled(), id).toBe(true);
      expect(await page.getByTestId('scenario-text').getAttribute('readonly')).not.toBeNull();
      await start.release();
      await page.getByTestId('scenario-report').waitFor({ timeout: 60_000 });
    } finally {
      await start.done();
    }
    expect(await page.getByTestId('scenario-pick').isEnabled()).toBe(true);
    // A name typed after the run does not rename the run: replay and exports still name what ran.
    await page.getByTestId('scenario-name').fill('something-else.yaml');
    expect(await page.getByTestId('scenario-replay').textContent()).toBe('pkh scenario run 13-fault-corrupt-signature.yaml --seed held-run');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-json').click()]);
    expect(json.suggestedFilename()).toBe('13-fault-corrupt-signature.report.json');
    const [junit] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-junit').click()]);
    expect(junit.suggestedFilename()).toBe('13-fault-corrupt-signature.junit.xml');
    await page.getByTestId('scenario-name').fill('13-fault-corrupt-signature.yaml');
    await page.getByTestId('scenario-seed').fill('');
  });

  it('a validation answer for text that changed while it was checked is not shown as valid', async () => {
    const area = page.getByTestId('scenario-text');
    const original = await area.inputValue();
    const check = await holdAnswer(page, '**/api/harness/scenarios.validate', { answeredFirst: true });
    try {
      await page.getByTestId('scenario-validate').click();
      await check.held;
      // An edit the check did not see: it breaks the file.
      await area.fill(original.replace('steps:', 'stepz:'));
      await check.release();
      // The button comes back when the answer has been handled.
      await expect.poll(() => page.getByTestId('scenario-validate').isEnabled()).toBe(true);
      expect(await page.getByTestId('scenario-validation').count()).toBe(0);
    } finally {
      await check.done();
    }
    await area.fill(original);
  });

  it('a failed step opens its ceremony in view, with focus, and the server verdict the stateless checks cannot see', async () => {
    const text = await page.getByTestId('scenario-text').inputValue();
    await page.getByTestId('scenario-text').fill(text.replace('expect: { error: SIGNATURE_INVALID', 'expect: { error: ORIGIN_MISMATCH'));
    await runToReport();
    await expect.poll(() => page.getByTestId('scenario-result').getAttribute('data-status')).toBe('failed');
    await page.locator('[data-testid="scenario-step"][data-status="failed"]').getByTestId('scenario-step-inspect').click();
    const inspector = page.getByTestId('scenario-inspector');
    await expect.poll(() => focusedTestId()).toBe('inspector-title');
    expect(await inspector.getByTestId('inspector-title').textContent()).toBe('ステップ 5: loginWithPasskey のセレモニー');
    expect(await topInViewport(inspector)).toBe(true);
    // Every stateless check passes for a bad signature: the server's answer says why the step failed.
    expect(await inspector.getByTestId('inspector-verdict').getAttribute('data-code')).toBe('SIGNATURE_INVALID');
    expect(await inspector.getByTestId('inspector-wanted').textContent()).toContain('error ORIGIN_MISMATCH');
    expect(await inspector.getByTestId('inspect-step-origin').textContent()).toContain('オリジンが期待どおり');
    await shot('5-failed-step-inspector');
  });

  it('an invalid scenario says it did not run, in words, and each problem goes to its line', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByTestId('scenario-text').fill('name: broken\nsteps:\n  - do: enrol\n    user: x\n');
    await page.getByTestId('scenario-run').click();
    const error = page.getByTestId('panel-scenarios').getByTestId('error').first();
    await error.waitFor();
    expect(await error.getByTestId('error-code').textContent()).toBe('SCENARIO_INVALID');
    expect(await error.getByTestId('error-message').textContent()).toContain('実行しませんでした');
    const line = page.getByTestId('scenario-issue-line').first();
    expect(await line.textContent()).toBe('3 行 9 列');
    await shot('6-invalid');
    await line.click();
    const caret = await page.getByTestId('scenario-text').evaluate((el) => {
      // The root tsconfig has no DOM lib: the textarea's few fields, typed here.
      const area = el as unknown as { value: string; selectionStart: number; selectionEnd: number; ownerDocument: { activeElement: unknown } };
      return { focused: area.ownerDocument.activeElement === area, selected: area.value.slice(area.selectionStart, area.selectionEnd) };
    });
    expect(caret).toEqual({ focused: true, selected: '  - do: enrol' });
    // The list described the text it checked: once the text changes, it goes.
    await page.getByTestId('scenario-text').press('End');
    await page.getByTestId('scenario-text').pressSequentially('l');
    await expect.poll(() => page.getByTestId('scenario-validation').count()).toBe(0);
  });
});
