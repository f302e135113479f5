import { URI, TOTP } from 'otpauth';
import { HarnessError } from '../errors.js';
import type { StepUpPurpose } from '../rp/index.js';
import { tapRegister } from './registrationInfo.js';
import { sessionOf, type World, type WorldUser } from './world.js';

/** STEP3 メール認証: pick a registered address (default: the first) and tap 送信. */
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

/** STEP4 認証コード入力: the emailed code (or the OTP service's TOTP) and 認証. */
export async function enterCode(world: World, user: WorldUser, code: string, purpose: StepUpPurpose = 'passkey-registration') {
  const result = await world.rp.verifyStepUp({ sessionId: sessionOf(user), code, purpose });
  user.sessionId = result.sessionId;
  return result;
}

/** What the customer's OTP app shows now (or `offsetSeconds` later). */
export function totpNow(world: World, user: WorldUser, offsetSeconds = 0): string {
  if (!user.otpUri) throw new HarnessError('OTP_NOT_ENROLLED', `${user.username} has no OTP service in this scenario`);
  const totp = URI.parse(user.otpUri);
  if (!(totp instanceof TOTP)) throw new HarnessError('OTP_NOT_ENROLLED', 'the otpauth URI is not TOTP');
  return totp.generate({ timestamp: world.clock.now() + offsetSeconds * 1000 });
}
