import { HarnessError } from '../errors.js';
import { fromBase64url } from '../webauthn/index.js';
import type { LocalAuthDecision } from '../authenticator/index.js';
import { ceremonyLabel, type AttestationConveyance } from '../rp/index.js';
import { browserFor } from './browserFor.js';
import { passwordLogin } from './login.js';
import { openRegistrationInfo, tapRegister } from './registrationInfo.js';
import type { CeremonyTrace, FlowStep } from './steps.js';
import { enterCode, readCode, sendEmailCode, totpNow } from './stepUp.js';
import { phoneOf, sessionOf, type World, type WorldUser } from './world.js';

/** STEP5: 登録 on the confirmation page; the server issues creation options for this session. */
export async function confirmRegistration(world: World, user: WorldUser, attestation?: AttestationConveyance) {
  const { ceremonyId, options } = await world.rp.startRegistration({ sessionId: sessionOf(user), ...(attestation ? { attestation } : {}) });
  user.ceremony = { ceremonyId, options };
  return user.ceremony;
}

/** STEP6 → 完了: local authentication on the phone, the authenticator makes the key pair, the server verifies. */
export async function createPasskey(world: World, user: WorldUser, phoneName: string, decision: LocalAuthDecision, name?: string) {
  if (!user.ceremony) throw new HarnessError('CHALLENGE_NOT_FOUND', 'no registration options yet (add a confirm step)');
  const phone = phoneOf(world, phoneName);
  phone.decision = decision;
  const { ceremonyId, options } = user.ceremony;
  const trace: CeremonyTrace = { ceremony: 'create', phone: phoneName, origin: world.origin, rpId: world.rpId, options: options as unknown as Record<string, unknown> };
  world.lastCeremony = trace;
  const response = await browserFor(world, phone).create(options);
  trace.response = response as unknown as Record<string, unknown>;
  const { passkey } = await world.rp.finishRegistration({ sessionId: sessionOf(user), ceremonyId, response, name: name ?? phoneName });
  // The RP stored this count: the phone remembers it (counterRegression goes below it).
  phone.credentials.markAccepted(fromBase64url(response.rawId, 'rawId'), passkey.counter);
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
  /** Conveyance the RP is asked for (default: the RP's configured one). */
  attestation?: AttestationConveyance;
}

/** The whole seed flow (DESIGN §1, STEP0–完了) for one customer and phone, with what each screen showed. */
export async function enrollFlow(world: World, opts: EnrollFlowOptions): Promise<{ steps: FlowStep[]; passkey: Awaited<ReturnType<typeof createPasskey>>; user: WorldUser }> {
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
  const ceremony = await confirmRegistration(world, user, opts.attestation);
  steps.push({ step: 'STEP5', title: 'パスキー登録 -確認-: 登録', detail: `challenge issued (ceremony ${ceremonyLabel(ceremony.ceremonyId)}, as the audit log names it)` });
  const passkey = await createPasskey(world, user, opts.phone, opts.decision, opts.passkeyName);
  steps.push({ step: 'STEP6', title: 'ローカル認証 (face / fingerprint / PIN)', detail: `${opts.phone}: ${opts.decision}; key pair created` });
  steps.push({ step: '完了', title: 'パスキー登録完了', detail: `パスキー: 登録済 (${passkey.credentialId})` });
  return { steps, passkey, user };
}
