import { expect, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import type { Customer, Harness } from './fixtures.js';

/** The harness's customer pages (ja by default), driven through their stable data-testids. */
export const screen = (page: Page, id: string) => expect(page.getByTestId(id)).toBeVisible();

/** ログイン → 登録情報照会. */
export async function logIn(page: Page, harness: Harness, customer: Customer) {
  await page.goto(`${harness.url}/`);
  await page.getByTestId('login-id').fill(customer.loginId);
  await page.getByTestId('login-password').fill(customer.password);
  await page.getByTestId('login-submit').click();
  await screen(page, 'screen-info');
}

/** パスキー 登録 → メール認証 (送信) → 認証コード入力, reading the code from the harness's captured mailbox. */
export async function emailStepUp(page: Page, harness: Harness, customer: Customer) {
  await page.getByTestId('passkey-register').click();
  await screen(page, 'screen-email');
  await page.getByTestId('email-option-0').check();
  await page.getByTestId('email-send').click();
  await expect(page.getByTestId('screen-code')).toHaveAttribute('data-method', 'email');
  const [mail] = await harness.call<{ text: string }[]>('mailbox.list', { to: customer.email, limit: 1 });
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1];
  expect(code, 'a 6-digit code in the mail').toBeTruthy();
  await page.getByTestId('code-input').fill(code!);
  await page.getByTestId('code-submit').click();
  await screen(page, 'screen-confirm');
}

/** OTP service customers skip the email: the 認証コード is the authenticator app's TOTP. */
export async function totpStepUp(page: Page, otpSecret: string) {
  await page.getByTestId('passkey-register').click();
  await expect(page.getByTestId('screen-code')).toHaveAttribute('data-method', 'totp');
  // Enrolment already used this period's code (and the server refuses a reused one), so type the
  // next period's: RFC 6238 servers accept one step of drift.
  const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(otpSecret) }).generate({ timestamp: Date.now() + 30_000 });
  await page.getByTestId('code-input').fill(code);
  await page.getByTestId('code-submit').click();
  await screen(page, 'screen-confirm');
}

/** パスキー登録 -確認- → 登録 (the phone's prompt appears here). */
export async function confirmRegistration(page: Page) {
  await page.getByTestId('confirm-register').click();
}

/** ログイン (パスキー): username-first with a login ID, discoverable without. */
export async function passkeyLogIn(page: Page, harness: Harness, loginId?: string) {
  await page.goto(`${harness.url}/`);
  await page.getByTestId('goto-passkey-login').click();
  await screen(page, 'screen-passkey-login');
  if (loginId) await page.getByTestId('passkey-login-id').fill(loginId);
  await page.getByTestId('passkey-login-submit').click();
}
