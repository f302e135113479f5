import type { Messages } from './en.js';

export const ja: Messages = {
  app: { title: 'パスキー ハーネス', mode: { electron: 'デスクトップ', http: 'ブラウザモード' }, language: '言語', loading: '読み込み中…', refresh: '更新', close: '閉じる', cancel: 'キャンセル', save: '保存', error: 'エラー', tokenRequired: 'このコンソールにはアクセストークンが必要です。serve が表示したコンソールの URL（…/console/#token=…）を開いてください。' },
  tabs: { phones: '端末', server: 'サーバ', support: 'サポート', scenarios: 'シナリオ' },
  phones: {
    title: '仮想スマートフォン', userHandle: 'ユーザーハンドル', algorithm: 'アルゴリズム', status: '状態', actions: '操作', removedBySignal: 'RP のシグナルで削除', active: '有効', inspect: '検査で開く', remove: '削除', noCeremonyYet: 'このセッションではまだこの認証情報のセレモニーがありません', confirmRemove: '認証情報 {id}（{rp}）をこの端末から削除しますか？端末はこの認証情報を提示しなくなります。', removedOne: '認証情報 {id} を削除しました', refreshCredentials: '認証情報を更新', exportPhone: '端末をエクスポート', signedIn: 'ログイン中: {user}', add: '端末を追加', name: '名前', profile: 'プロファイル', none: '端末がありません。追加するとお客様画面が開きます。',
    rename: '名前変更', newName: '新しい名前', export: 'エクスポート', delete: '削除', confirmDelete: '端末「{name}」とそのパスキーを削除しますか？',
    credentials: '認証情報', noCredentials: 'この端末に認証情報はありません。', reload: '再読み込み', count: '認証情報 {n} 件 | 認証情報 {n} 件',
    rpId: 'RP ID', user: 'ユーザー', signCount: 'カウンタ', discoverable: 'ディスカバラブル', created: '作成日時', import: 'インポート',
    openUrl: 'URL を開く…', openUrlGo: '開く', closeUrl: 'ウィンドウを閉じる', urlOpened: '専用ウィンドウで表示中: {url}', urlClosed: 'ウィンドウを閉じました。保管庫に同期: 新規 {added} 件、更新 {updated} 件', urlDesktopOnly: '他のサイトを開くにはデスクトップアプリ、または `pkh browse <url> --phone {name}` を使ってください。',
  },
  prompt: {
    title: { create: 'パスキーを作成', get: 'パスキーでサインイン' },
    for: '{rpId} 用', user: 'アカウント: {user}',
    method: { face: '顔認証（Face ID）', fingerprint: '指紋センサーに触れてください', pin: '端末の PIN を入力してください', key: 'セキュリティキーに触れて PIN を入力してください' },
    approve: '承認', deny: '拒否', timeout: 'タイムアウト', uvUnavailable: '生体認証不可',
    keys: 'Enter で承認 · Esc で拒否',
  },
  server: {
    details: '詳細', noAudit: '該当する記録はありません。', dateFrom: '開始日', dateTo: '終了日（当日を含む）', filter: '絞り込み', clearFilter: 'クリア', pageInfo: '全 {total} 件中 {from}–{to} 件（新しい順）', newer: '← 新しい', older: '古い →', newestFirst: '（新しい順）',
    accounts: '口座', search: '検索', username: 'ログインID', displayName: 'お名前', emails: 'メールアドレス', otp: 'ワンタイムパスワードサービス', locked: 'ロック',
    passkeys: 'パスキー', noAccounts: '口座がありません。', registration: '登録情報照会（パスワード関連）',
    mailbox: 'メールボックス', noMail: 'メールはありません。', to: '宛先', subject: '件名', sentAt: '送信日時',
    audit: '監査ログ', chainOk: 'ハッシュチェーン正常（{n} 件）', chainBroken: 'ハッシュチェーン破損 #{seq}', verify: 'チェーン検証',
    at: '日時', actor: '実行者', action: '操作', target: '対象', outcome: '結果',
  },
  timeline: {
    title: 'この端末のタイムライン', empty: 'この端末のセレモニーがここに表示されます: オプション → プロンプト → レスポンス → サーバ判定。', open: '検査で開く',
    kind: { options: 'オプション', prompt: 'プロンプト', response: 'レスポンス', verdict: 'サーバ', signal: 'RP シグナル', mail: 'メール', page: '端末' },
    accepted: '受理', refused: '拒否', refusedCode: '拒否: {code}', credentialId: '認証情報 {id}', mailSent: '{to} に認証コードを送信', waiting: '応答待ち…', credential: '認証情報',
    decision: { approve: '承認', deny: '拒否', timeout: 'タイムアウト', 'uv-unavailable': '生体認証不可' },
    signal: '{signal}: 削除 {removed} 件・更新 {updated} 件', noChange: '{signal}: 変更なし', hint: '項目をクリックするとセレモニー検査で開きます。',
  },
  mail: { copy: 'コードをコピー', copied: 'コピーしました', masked: '閲覧者にはコードを表示しません', hiddenCode: '認証コード（非表示）', body: '本文' },
  passkey: { status: '状態', statusRevoked: '失効済み', revokeReason: '失効理由', revokedBy: '失効した担当者', none: 'パスキーはありません。', name: '名前', aaguid: 'AAGUID', attestation: 'アテステーション (信頼パス・登録時の認定状態)', transports: 'トランスポート', backup: 'バックアップ (BE/BS)', counter: 'カウンタ', created: '登録日時', lastUsed: '最終利用', revoked: '失効日時', active: '有効', credentialId: 'クレデンシャルID' },
  inspector: {
    title: 'セレモニー検査', options: 'ページが渡したオプション', response: 'レスポンス JSON（RegistrationResponseJSON / AuthenticationResponseJSON）', expectedChallenge: '期待するチャレンジ（base64url・任意）',
    expectedOrigin: '期待するオリジン', rpId: 'RP ID', inspect: 'デコードして検証', useLast: '直近のセレモニー', clientData: 'clientDataJSON', authData: '認証器データ',
    flags: 'フラグ', counter: 'カウンタ', attestation: '構成証明', coseKey: 'COSE 公開鍵', steps: '検証ステップ', pass: '合格', fail: '不合格', skip: '未検証',
  },
  support: {
    title: 'お客様サポート', searchHint: 'ログインID・お名前・メール', noResults: '「{q}」に一致する口座はありません。', status: '状態', locked: 'ロック中', throttled: '一時ロック中', throttledUntil: 'ログイン不可の期限', throttledLogins: 'パスワードの連続誤り {n} 回（サーバーによる自動ロック）', throttledCodes: '認証コードの誤りが多すぎます（サーバーによる自動ロック）', active: '利用可能', activePasskeys: '有効なパスキーなし | 有効なパスキー 1 件 | 有効なパスキー {n} 件', lockReason: 'ロック理由', otpActive: '利用中', otpNone: '未登録', lock: '口座をロック', unlock: 'ロックを解除', endSessions: '全セッションを終了', lockedDone: '口座 {user} をロックし、セッションを終了しました。', unlockedDone: '口座 {user} のロックを解除しました。', sessionsEnded: '{n} 件のセッションを終了しました。', sessions: 'セッション', sessionCount: 'なし | 有効なセッション 1 件 | 有効なセッション {n} 件', sessionStarted: '開始', sessionSeen: '最終アクセス', stepUp: '追加認証', noSessions: '有効なセッションはありません。', history: 'この口座の履歴（監査ログ・新しい順）', role: 'ロール', viewer: '閲覧者', operator: 'オペレーター', search: '口座を検索', select: '開く',
    revoke: '失効', reset: 'パスキーを全て初期化', reason: '理由', ticket: 'チケット', confirm: '実行', done: '完了: {n} 件のパスキーを失効しました。',
    viewerNote: '閲覧者は照会のみ可能です（失効・初期化はできません）。', reasonRequired: '理由を入力してください。',
  },
  scenarios: {
    title: 'シナリオ', pick: 'シナリオ', pickHint: '同梱・最近開いた {n} 件から選択…', recent: '最近開いたもの', shipped: 'ハーネス同梱', viewerNote: '閲覧者はシナリオの検証のみ可能です（実行にはオペレーター権限が必要です）。', open: 'YAML ファイルを開く', name: 'ファイル名', validate: '検証', run: '実行', running: '実行中…', exportJunit: 'JUnit 出力',
    valid: '有効', invalid: '無効', passed: '成功', failed: '失敗', skipped: 'スキップ', step: 'ステップ', status: '状態', duration: '所要時間',
    summary: '成功 {passed} 件 / 失敗 {failed} 件', seed: 'シード',
    repeat: '繰り返し', progress: '{total} 回中 {done} 回完了', failedAt: '失敗したステップ: 「{step}」', runFailed: '実行が中断されました',
  },
};
