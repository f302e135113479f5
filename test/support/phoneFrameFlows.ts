import type { FrameLocator } from 'playwright-core';
import type { HarnessApi } from '../../core/harness/channels.js';

/** ログイン on a console phone's customer page (skipped when already signed in), up to 登録情報照会. */
export async function logInOnPhone(phone: FrameLocator, username: string, opts: { timeout?: number } = {}): Promise<void> {
  const { timeout } = opts;
  await phone.locator('[data-testid="screen-login"], [data-testid="screen-info"], [data-testid="screen-welcome"]').first().waitFor({ timeout });
  if (await phone.getByTestId('screen-login').isVisible()) {
    await phone.getByTestId('login-id').fill(username, { timeout });
    await phone.getByTestId('login-password').fill('password', { timeout });
    await phone.getByTestId('login-submit').click({ timeout });
  }
  await phone.locator('[data-testid="screen-info"], [data-testid="screen-welcome"]').first().waitFor({ timeout });
  if (await phone.getByTestId('screen-welcome').isVisible()) await phone.getByTestId('welcome-next').click({ timeout });
  await phone.getByTestId('screen-info').waitFor({ timeout });
}

/** The 6-digit step-up code in the newest mail to `to`, read through the harness's mailbox (operator view). */
export async function latestMailedCode(harness: Pick<HarnessApi, 'mailbox.list'>, to: string): Promise<string> {
  const [mail] = await harness['mailbox.list']({ to, limit: 1 });
  const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no step-up code mailed to ${to}`);
  return code;
}
