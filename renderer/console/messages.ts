/**
 * Console wording for one passkey's audit history (the Server tab's passkey filter, the support
 * view's 履歴). Kept beside the console and merged into the shared catalogue at start-up
 * (`mergeLocaleMessage` in main.ts), so these keys change with the screens that use them.
 */
export const ja = {
  passkeyAudit: {
    filter: 'パスキー（クレデンシャルID）',
    filterHint: 'クレデンシャルID（base64url：英数字・-・_）をそのまま貼り付け',
    invalid: 'クレデンシャルIDは英数字と - _ だけで入力してください（= や空白、+ / は含みません）。',
    button: '履歴',
    buttonLabel: '{name} の履歴を表示',
    title: 'このパスキーの履歴',
    subtitle: '{name}（{user}）— 登録・ログイン・失効などの記録、新しい順',
    count: '全 {total} 件中 {from}–{to} 件',
    empty: 'このパスキーの記録はまだありません（登録の記録もない場合は、記録が始まる前に登録されたパスキーです）。',
    notFound: 'このクレデンシャルIDのパスキーはありません。IDを確認してください（失効済みのパスキーも検索できます）。',
    close: '閉じる',
    copy: 'IDをコピー',
    copied: 'コピーしました',
    copyFailed: 'コピーできませんでした（この画面ではクリップボードを使えません）。選択したIDを Ctrl+C でコピーしてください。',
    openAudit: '監査ログで開く',
    openAuditHint: 'サーバータブの監査ログを、このパスキーで絞り込んで開きます',
    hideHarness: 'ハーネス操作を隠す',
    hiddenCount: 'うち {shown} 件を表示（ハーネス操作 {hidden} 件を非表示）',
    allHidden: 'このページの {n} 件はすべてハーネス操作です。「ハーネス操作を隠す」を外すか、前後のページを見てください。',
  },
} as const;

export const en: { passkeyAudit: Record<keyof (typeof ja)['passkeyAudit'], string> } = {
  passkeyAudit: {
    filter: 'Passkey (credential ID)',
    filterHint: 'Paste the credential ID as shown (base64url: letters, digits, - and _)',
    invalid: 'A credential ID has only letters, digits, - and _ (no =, spaces, + or /).',
    button: 'History',
    buttonLabel: 'Show the history of {name}',
    title: 'History of this passkey',
    subtitle: '{name} ({user}) — registration, logins, revocation and more, newest first',
    count: '{from}–{to} of {total}',
    empty: 'Nothing recorded for this passkey yet (if even its registration is missing, it was registered before recording began).',
    notFound: 'No passkey has this credential ID. Check the ID (revoked passkeys are found too).',
    close: 'Close',
    copy: 'Copy ID',
    copied: 'Copied',
    copyFailed: 'Could not copy (no clipboard here). The ID is selected: press Ctrl+C to copy it.',
    openAudit: 'Open in the audit log',
    openAuditHint: 'Opens the Server tab’s audit log filtered to this passkey',
    hideHarness: 'Hide harness operations',
    hiddenCount: '{shown} shown, one harness operation hidden | {shown} shown, {hidden} harness operations hidden',
    allHidden: 'All {n} rows on this page are harness operations. Untick “Hide harness operations” or see the newer or older rows.',
  },
};
