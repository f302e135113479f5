import type { RegistrationInfoRow } from '../rp/index.js';
import type { RegistrationInfoDisplayRow } from './types.js';

type Key = RegistrationInfoRow['key'];

/** The seed's 登録情報照会 → パスワード関連 screen (DESIGN §1): each row's label, shown status and buttons. */
const LABELS: Record<Key, { label: string; status: Record<string, string>; actions: Record<string, string[]> }> = {
  loginPassword: { label: 'ログインパスワード', status: { set: '*****' }, actions: { set: ['変更'] } },
  tradingPassword: { label: '取引パスワード', status: { set: '*****' }, actions: { set: ['変更', '再設定'] } },
  passkey: { label: 'パスキー', status: { unregistered: '未登録', registered: '登録済' }, actions: { unregistered: ['登録'], registered: ['登録'] } },
  otpService: { label: 'ワンタイムパスワードサービス', status: { unregistered: '未登録', active: '利用中' }, actions: { unregistered: ['申込'], active: [] } },
};

/** The four rows as the screen shows them, from whether a passkey and the OTP service are active. */
export function registrationInfoRows({ passkeyActive, otpActive }: { passkeyActive: boolean; otpActive: boolean }): RegistrationInfoDisplayRow[] {
  const rows: { key: Key; status: string }[] = [
    { key: 'loginPassword', status: 'set' },
    { key: 'tradingPassword', status: 'set' },
    { key: 'passkey', status: passkeyActive ? 'registered' : 'unregistered' },
    { key: 'otpService', status: otpActive ? 'active' : 'unregistered' },
  ];
  return rows.map(({ key, status }) => ({ key, label: LABELS[key].label, status: LABELS[key].status[status] ?? status, actions: LABELS[key].actions[status] ?? [] }));
}
