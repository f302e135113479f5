import { URI, TOTP } from 'otpauth';
import { HarnessError } from '../errors.js';
import type { LocalAuthDecision } from '../authenticator/localAuth.js';
import { browserFor, phoneOf, sessionOf, userOf, type World, type WorldUser } from './world.js';

/**
 * The seed flow (DESIGN §1) as small operations over a World. The scenario runner calls them
 * one step at a time; the harness's `enroll` / `login` channels chain them.
 */
export interface FlowStep {
  step: string;
  title: string;
  detail: string;
  skipped?: boolean;
}

type Json = Record<string, unknown>;

export async function passwordLogin(world: World, username: string, password: string): Promise<WorldUser> {
  const user = userOf(world, username);
  const result = await world.rp.login({ loginId: username, password });
  user.sessionId = result.sessionId;
  return user;
}

export async function openRegistrationInfo(world: World, user: WorldUser) {
  return world.rp.getRegistrationInfo({ sessionId: sessionOf(user) });
}

/** STEP2: tapping 登録 shows the email choice (or, with the OTP service, goes straight to the code). */
export async function tapRegister(world: World, user: WorldUser) {
  const { emails } = await world.rp.listEmails({ sessionId: sessionOf(user) });
  user.emails = emails.map((e: { emailId: number; address: string }) => ({ emailId: e.emailId, address: e.address }));
  return user.emails;
}

export type StepUpPurpose = 'passkey-registration' | 'otp-enrollment';

export async function sendEmailCode(world: World, user: WorldUser, email?: string, purpose: StepUpPurpose = 'passkey-registration') {
  if (user.emails.length === 0) await tapRegister(world, user);
  const chosen = email === undefined ? user.emails[0] : user.emails.find((e) => e.address === email);
  if (!chosen) throw new HarnessError('EMAIL_NOT_REGISTERED', email === undefined ? `${user.username} has no registered email` : `${email} is not registered for ${user.username}`);
  const sent = await world.rp.sendStepUpEmail({ sessionId: sessionOf(user), emailId: chosen.emailId, purpose });
  return { ...sent, address: chosen.address };
}

/** The six-digit 認証コード of the newest captured message to the user (or `email`). */
export async function readCode(world: World, user: WorldUser, email?: string): Promise<string> {
  const to = email ?? user.emails[0]?.address;
  const { messages } = await world.rp.listMail(to === undefined ? {} : { to });
  // Newest message that carries a code (the RP also mails notices, e.g. "passkey registered").
  const match = [...messages]
    .sort((a: { id: number | string }, b: { id: number | string }) => Number(b.id) - Number(a.id))
    .map((m: { subject: string; text: string }) => /\b(\d{6})\b/.exec(`${m.subject}\n${m.text}`))
    .find((m) => m !== null);
  if (!match) throw new HarnessError('NOT_FOUND', `no 認証コード in the mailbox${to ? ` of ${to}` : ''}`);
  const code = match[1]!;
  user.code = code;
  return code;
}

export async function enterCode(world: World, user: WorldUser, code: string, purpose: StepUpPurpose = 'passkey-registration') {
  const result = await world.rp.verifyStepUp({ sessionId: sessionOf(user), code, purpose });
  user.sessionId = result.sessionId;
  return result;
}

export function totpNow(world: World, user: WorldUser, offsetSeconds = 0): string {
  if (!user.otpUri) throw new HarnessError('OTP_NOT_ENROLLED', `${user.username} has no OTP service in this scenario`);
  const totp = URI.parse(user.otpUri);
  if (!(totp instanceof TOTP)) throw new HarnessError('OTP_NOT_ENROLLED', 'the otpauth URI is not TOTP');
  return totp.generate({ timestamp: world.clock.now() + offsetSeconds * 1000 });
}

/** STEP5: 登録 on the confirmation page; the server issues creation options for this session. */
export async function confirmRegistration(world: World, user: WorldUser) {
  const { ceremonyId, options } = await world.rp.startRegistration({ sessionId: sessionOf(user) });
  user.ceremony = { ceremonyId, options: options as unknown as Json };
  return user.ceremony;
}

/** STEP6 → 完了: local authentication on the phone, the authenticator makes the key pair, the server verifies. */
export async function createPasskey(world: World, user: WorldUser, phoneName: string, decision: LocalAuthDecision, name?: string) {
  if (!user.ceremony) throw new HarnessError('CHALLENGE_NOT_FOUND', 'no registration options yet (add a confirm step)');
  const phone = phoneOf(world, phoneName);
  phone.decision = decision;
  const { ceremonyId, options } = user.ceremony;
  const response = await browserFor(world, phone).create(options as never);
  const { passkey } = await world.rp.finishRegistration({ sessionId: sessionOf(user), ceremonyId, response: response as never, name: name ?? phoneName });
  user.ceremony = undefined;
  return passkey;
}

export interface EnrollFlowOptions {
  username: string;
  password: string;
  phone: string;
  stepUp: 'email' | 'totp';
  email?: string;
  decision: LocalAuthDecision;
  passkeyName?: string;
}

export async function enrollFlow(world: World, opts: EnrollFlowOptions) {
  const steps: FlowStep[] = [];
  const user = await passwordLogin(world, opts.username, opts.password);
  const info = await openRegistrationInfo(world, user);
  const passkeyRow = (info.rows as { key: string; status: string }[]).find((r) => r.key === 'passkey');
  const shown = passkeyRow?.status === 'registered' ? '登録済' : passkeyRow?.status === 'unregistered' ? '未登録' : String(passkeyRow?.status);
  steps.push({ step: 'STEP1', title: 'ログイン → 口座情報 → お客様情報 → 登録情報照会', detail: `パスキー: ${shown}` });
  await tapRegister(world, user);
  steps.push({ step: 'STEP2', title: 'パスキー 登録', detail: `${user.emails.length} registered email address(es)` });
  if (opts.stepUp === 'email') {
    const sent = await sendEmailCode(world, user, opts.email);
    steps.push({ step: 'STEP3', title: 'メール認証: 送信', detail: `code sent to ${String(sent.sentTo ?? sent.address)}` });
    const code = await readCode(world, user, sent.address);
    await enterCode(world, user, code);
    steps.push({ step: 'STEP4', title: 'メール認証 - 認証コード入力: 認証', detail: 'email code accepted' });
  } else {
    steps.push({ step: 'STEP3', title: 'メール認証', detail: 'ワンタイムパスワードサービス in use', skipped: true });
    try {
      await enterCode(world, user, totpNow(world, user));
    } catch (error) {
      // This time step's code was just spent (e.g. confirming the OTP service): an app shows
      // the next one, which the RP accepts within its ±1 step window.
      if (!(error instanceof HarnessError && error.code === 'OTP_USED')) throw error;
      await enterCode(world, user, totpNow(world, user, 30));
    }
    steps.push({ step: 'STEP4', title: '認証コード入力 (ワンタイムパスワード): 認証', detail: 'TOTP code accepted' });
  }
  const ceremony = await confirmRegistration(world, user);
  steps.push({ step: 'STEP5', title: 'パスキー登録 -確認-: 登録', detail: `challenge issued (ceremony ${ceremony.ceremonyId})` });
  const passkey = await createPasskey(world, user, opts.phone, opts.decision, opts.passkeyName);
  steps.push({ step: 'STEP6', title: 'ローカル認証 (face / fingerprint / PIN)', detail: `${opts.phone}: ${opts.decision}; key pair created` });
  steps.push({ step: '完了', title: 'パスキー登録完了', detail: `パスキー: 登録済 (${passkey.credentialId})` });
  return { steps, passkey, user };
}

export interface PasskeyLoginOptions {
  username?: string;
  phone: string;
  mode: 'username-first' | 'discoverable';
  decision: LocalAuthDecision;
  /** Submit the previous login's response again (replayed challenge). */
  replay?: boolean;
}

export async function passkeyLogin(world: World, opts: PasskeyLoginOptions) {
  if (opts.replay) {
    if (!world.lastLogin) throw new HarnessError('CHALLENGE_NOT_FOUND', 'nothing to replay: no earlier passkey login');
    return { result: await world.rp.finishLogin(world.lastLogin as never), steps: [] as FlowStep[] };
  }
  const phone = phoneOf(world, opts.phone);
  phone.decision = opts.decision;
  const steps: FlowStep[] = [];
  const loginId = opts.mode === 'username-first' ? opts.username : undefined;
  if (opts.mode === 'username-first' && !loginId) throw new HarnessError('INVALID_INPUT', 'username-first login needs a username');
  const { ceremonyId, options } = await world.rp.startLogin(loginId === undefined ? {} : { loginId });
  steps.push({ step: 'LOGIN1', title: 'ログイン (パスキー): challenge', detail: loginId ? `username-first for ${loginId}` : 'discoverable (usernameless)' });
  const response = (await browserFor(world, phone).get(options as never)) as unknown as Json;
  steps.push({ step: 'LOGIN2', title: 'ローカル認証 → 署名', detail: `${opts.phone}: ${opts.decision}` });
  world.lastLogin = { ceremonyId, response };
  const result = await world.rp.finishLogin({ ceremonyId, response: response as never });
  const user = world.users.get(result.loginId);
  if (user) user.sessionId = result.sessionId;
  steps.push({ step: 'LOGIN3', title: '公開鍵で検証 → ログイン完了', detail: `${result.loginId} (counter ${result.counter})` });
  return { result, steps, response };
}
