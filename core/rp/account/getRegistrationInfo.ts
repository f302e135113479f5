import type { RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';

export type RegistrationInfoRow =
  | { key: 'loginPassword'; status: 'set' }
  | { key: 'tradingPassword'; status: 'set' }
  | { key: 'passkey'; status: 'unregistered' | 'registered'; count: number }
  | { key: 'otpService'; status: 'unregistered' | 'active' };

/** The seed's 登録情報照会 → パスワード関連 rows as stable keys; the UI localises (未登録 / 登録済 / 利用中). */
export function getRegistrationInfo(ctx: RpContext, opts: { sessionId: string }): {
  loginId: string;
  displayName: string;
  stepUpMethod: 'email' | 'totp';
  rows: RegistrationInfoRow[];
} {
  const { account } = requireSession(ctx, opts.sessionId);
  const count = ctx.store.passkeys.countActive(account.id);
  const otpActive = ctx.store.otp.get(account.id)?.status === 'active';
  return {
    loginId: account.loginId,
    displayName: account.displayName,
    stepUpMethod: otpActive ? 'totp' : 'email',
    rows: [
      { key: 'loginPassword', status: 'set' },
      { key: 'tradingPassword', status: 'set' },
      { key: 'passkey', status: count > 0 ? 'registered' : 'unregistered', count },
      { key: 'otpService', status: otpActive ? 'active' : 'unregistered' },
    ],
  };
}
