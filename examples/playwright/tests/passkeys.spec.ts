import { confirmRegistration, emailStepUp, logIn, passkeyLogIn, screen, totpStepUp } from '../customerPages.js';
import { expect, test } from '../fixtures.js';

test('registers a passkey through the email step-up, then logs in with it', async ({ page, phone, harness, customer }) => {
  await logIn(page, harness, customer);
  await expect(page.getByTestId('passkey-status')).toHaveAttribute('data-status', 'unregistered');
  await emailStepUp(page, harness, customer);
  await confirmRegistration(page);
  await screen(page, 'screen-done');

  // The phone holds the new passkey, and the server lists it for the customer.
  const [credential] = await phone.credentials();
  expect(credential).toMatchObject({ rpId: 'localhost', userName: customer.loginId, discoverable: true });
  const passkeys = await harness.call<{ credentialId: string; aaguid: string }[]>('admin.passkeys', { username: customer.loginId });
  expect(passkeys.map((p) => p.credentialId)).toEqual([credential!.credentialId]);
  if (phone.mode === 'shim') expect(passkeys[0]!.aaguid).toBe(phone.phone.profile.aaguid);

  await page.getByTestId('done-back').click();
  await expect(page.getByTestId('passkey-status')).toHaveAttribute('data-status', 'registered');
  await page.getByTestId('logout').click();

  await passkeyLogIn(page, harness); // discoverable: the phone picks the account
  await screen(page, 'screen-welcome');
  await expect(page.getByTestId('user-name')).toContainText(customer.loginId);
});

test('registers through the OTP service (TOTP instead of email), then logs in username-first', async ({ page, phone, harness, customer }) => {
  const { secret } = await harness.call<{ secret: string }>('otp.enroll', { username: customer.loginId, password: customer.password });
  await logIn(page, harness, customer);
  await expect(page.getByTestId('otp-status')).toHaveAttribute('data-status', 'active');
  await totpStepUp(page, secret);
  await confirmRegistration(page);
  await screen(page, 'screen-done');
  expect(phone.phone.prompts.map((p) => `${p.ceremony}:${p.decision}`)).toEqual(['create:approve']);

  await page.getByTestId('done-back').click();
  await screen(page, 'screen-info');
  await page.getByTestId('logout').click();
  await passkeyLogIn(page, harness, customer.loginId);
  await screen(page, 'screen-welcome');
});

test('the customer denies the device prompt: the page says NOT_ALLOWED and nothing is registered', async ({ page, phone, harness, customer }) => {
  await logIn(page, harness, customer);
  await emailStepUp(page, harness, customer);
  phone.nextPrompt('deny'); // the next face / fingerprint / PIN prompt is refused
  await confirmRegistration(page);
  await expect(page.getByTestId('error-code')).toHaveText('NOT_ALLOWED');
  expect(await phone.credentials()).toEqual([]);
  expect(await harness.call('admin.passkeys', { username: customer.loginId })).toEqual([]);
});

test('support revokes the passkey: the next passkey login is refused, and the Signal API removes it from the phone', async ({ page, phone, harness, customer }) => {
  await logIn(page, harness, customer);
  await emailStepUp(page, harness, customer);
  await confirmRegistration(page);
  await screen(page, 'screen-done');
  await page.getByTestId('done-back').click();
  await screen(page, 'screen-info');
  await page.getByTestId('logout').click();

  const [credential] = await phone.credentials();
  await harness.call('admin.revoke', { credentialId: credential!.credentialId, reason: 'lost phone (example suite)', ticket: 'QA-1' });
  await passkeyLogIn(page, harness);
  await expect(page.getByTestId('error-code')).toHaveText('PASSKEY_REVOKED');
  // The page told the phone (PublicKeyCredential.signalUnknownCredential) before showing the error.
  expect(phone.signals).toContainEqual(expect.objectContaining({ signal: 'unknownCredential', removed: [credential!.credentialId] }));
  expect(await phone.credentials()).toEqual([]);
});

test('support revokes while the customer is away: signing in with the password sends the accepted list, and the phone drops the passkey', async ({ page, phone, harness, customer }) => {
  await logIn(page, harness, customer);
  await emailStepUp(page, harness, customer);
  await confirmRegistration(page);
  await screen(page, 'screen-done');
  await page.getByTestId('done-back').click();
  await screen(page, 'screen-info');
  await page.getByTestId('logout').click();
  const [credential] = await phone.credentials();
  await harness.call('admin.revoke', { credentialId: credential!.credentialId, reason: 'customer reported a lost phone', ticket: 'QA-2' });

  await logIn(page, harness, customer); // 登録情報照会 signals PublicKeyCredential.signalAllAcceptedCredentials
  await expect.poll(() => phone.credentials()).toEqual([]);
  expect(phone.signals).toContainEqual(expect.objectContaining({ signal: 'allAcceptedCredentials', removed: [credential!.credentialId] }));
});
