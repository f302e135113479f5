export const en = {
  app: { title: 'Passkey Harness', mode: { electron: 'Desktop', http: 'Browser mode' }, language: 'Language', loading: 'Loading…', refresh: 'Refresh', close: 'Close', cancel: 'Cancel', save: 'Save', error: 'Error', tokenRequired: 'This console needs its access token: open the console URL that `serve` printed (…/console/#token=…).' },
  tabs: { phones: 'Phones', server: 'Server', support: 'Support', scenarios: 'Scenarios' },
  phones: {
    title: 'Simulated phones', userHandle: 'User handle', algorithm: 'Algorithm', status: 'Status', actions: 'Actions', removedBySignal: 'Removed by RP signal', active: 'Active', inspect: 'Open in inspector', remove: 'Remove', noCeremonyYet: 'No ceremony with this credential in this session yet', confirmRemove: 'Remove credential {id} ({rp}) from this phone? The phone will no longer offer it.', removedOne: 'Removed credential {id}', refreshCredentials: 'Refresh credentials', exportPhone: 'Export phone', signedIn: 'Signed in: {user}', add: 'Add phone', name: 'Name', profile: 'Profile', none: 'No phones yet. Add one to open the customer pages on it.',
    rename: 'Rename', newName: 'New name', export: 'Export', delete: 'Delete', confirmDelete: 'Delete phone “{name}” and its passkeys?',
    credentials: 'Credentials', noCredentials: 'No credentials on this phone.', reload: 'Reload page', count: '{n} credential | {n} credentials',
    rpId: 'RP ID', user: 'User', signCount: 'Counter', discoverable: 'Discoverable', created: 'Created', import: 'Import',
    openUrl: 'Open URL…', openUrlGo: 'Open', closeUrl: 'Close window', urlOpened: 'Open in its own window: {url}', urlClosed: 'Window closed; synced to the vault: {added} new, {updated} updated', urlDesktopOnly: 'Any other site needs the desktop app, or `pkh browse <url> --phone {name}`.',
  },
  prompt: {
    title: { create: 'Create a passkey', get: 'Sign in with a passkey' },
    for: 'for {rpId}', user: 'Account: {user}',
    method: { face: 'Look at the phone (Face ID)', fingerprint: 'Touch the fingerprint sensor', pin: 'Enter the device PIN', key: 'Touch your security key and enter its PIN' },
    approve: 'Approve', deny: 'Deny', timeout: 'Time out', uvUnavailable: 'UV unavailable',
    keys: 'Enter approves · Esc denies',
  },
  server: {
    details: 'Details', noAudit: 'No entries match.', dateFrom: 'From', dateTo: 'To (inclusive)', filter: 'Filter', clearFilter: 'Clear', pageInfo: '{from}–{to} of {total} (newest first)', newer: '← Newer', older: 'Older →', newestFirst: '(newest first)',
    accounts: 'Accounts', search: 'Search', username: 'Login ID', displayName: 'Name', emails: 'Emails', otp: 'OTP service', locked: 'Locked',
    passkeys: 'Passkeys', noAccounts: 'No accounts.', registration: 'Registration info (パスワード関連)',
    mailbox: 'Mailbox', noMail: 'No mail.', to: 'To', subject: 'Subject', sentAt: 'Sent',
    audit: 'Audit log', chainOk: 'Hash chain intact ({n} entries)', chainBroken: 'Hash chain broken at #{seq}', verify: 'Verify chain',
    at: 'Time', actor: 'Actor', action: 'Action', target: 'Target', outcome: 'Outcome',
  },
  timeline: {
    title: 'Timeline of this phone', empty: 'Ceremonies on this phone appear here as they happen: options → prompt → response → server verdict.', open: 'Open in the inspector',
    kind: { options: 'Options', prompt: 'Prompt', response: 'Response', verdict: 'Server', signal: 'RP signal', mail: 'Mail', page: 'Phone' },
    accepted: 'accepted', refused: 'refused', refusedCode: 'refused: {code}', credentialId: 'credential {id}', mailSent: 'code sent to {to}', waiting: 'waiting for you…', credential: 'credential',
    decision: { approve: 'approved', deny: 'denied', timeout: 'timed out', 'uv-unavailable': 'UV unavailable' },
    signal: '{signal}: {removed} removed, {updated} updated', noChange: '{signal}: nothing to change', hint: 'Click an entry to open it in the ceremony inspector.',
  },
  mail: { copy: 'Copy code', copied: 'Copied', masked: 'Codes are hidden from viewers', hiddenCode: 'Verification code (hidden)', body: 'Message' },
  passkey: { status: 'Status', statusRevoked: 'Revoked', revokeReason: 'Revocation reason', revokedBy: 'Revoked by', none: 'No passkeys.', name: 'Name', aaguid: 'AAGUID', attestation: 'Attestation (trust path, model status at registration)', transports: 'Transports', backup: 'Backup (BE/BS)', counter: 'Counter', created: 'Created', lastUsed: 'Last used', revoked: 'Revoked at', active: 'Active', credentialId: 'Credential ID' },
  inspector: {
    title: 'Ceremony inspector', options: 'Options the page passed', response: 'Response JSON (RegistrationResponseJSON or AuthenticationResponseJSON)', expectedChallenge: 'Expected challenge (base64url, optional)',
    expectedOrigin: 'Expected origin', rpId: 'RP ID', inspect: 'Decode and check', useLast: 'Use last ceremony', clientData: 'clientDataJSON', authData: 'Authenticator data',
    flags: 'Flags', counter: 'Counter', attestation: 'Attestation statement', coseKey: 'COSE public key', steps: 'Verification steps', pass: 'pass', fail: 'fail', skip: 'not checked',
  },
  support: {
    title: 'Customer support', searchHint: 'login ID, name or email', noResults: 'No account matches “{q}”.', status: 'Status', locked: 'Locked', throttled: 'Temporarily locked', throttledUntil: 'logins refused until', throttledLogins: '{n} wrong passwords in a row (locked by the server)', throttledCodes: 'too many wrong one-time codes (locked by the server)', active: 'Active', activePasskeys: 'no active passkey | 1 active passkey | {n} active passkeys', lockReason: 'Locked because', otpActive: 'In use', otpNone: 'Not registered', lock: 'Lock account', unlock: 'Unlock account', endSessions: 'End all sessions', lockedDone: 'Account {user} is locked; its sessions were ended.', unlockedDone: 'Account {user} is unlocked.', sessionsEnded: 'Ended {n} session(s).', sessions: 'Sessions', sessionCount: 'none | 1 live session | {n} live sessions', sessionStarted: 'Started', sessionSeen: 'Last seen', stepUp: 'Step-up', noSessions: 'No live sessions.', history: 'History of this account (audit, newest first)', role: 'Role', viewer: 'Viewer', operator: 'Operator', search: 'Search account', select: 'Open',
    revoke: 'Revoke', reset: 'Reset all passkeys', reason: 'Reason', ticket: 'Ticket', confirm: 'Confirm', done: 'Done: {n} passkey(s) revoked.',
    viewerNote: 'Viewers can inspect but not revoke or reset.', reasonRequired: 'A reason is required.',
  },
  scenarios: {
    title: 'Scenarios', pick: 'Scenario', pickHint: 'Pick one of {n} shipped or recent scenarios…', recent: 'Recently opened', shipped: 'Shipped with the harness', viewerNote: 'Viewers can validate scenarios; running them needs an operator.', open: 'Open YAML file', name: 'File name', validate: 'Validate', run: 'Run', running: 'Running…', exportJunit: 'Export JUnit',
    valid: 'Valid', invalid: 'Invalid', passed: 'passed', failed: 'failed', skipped: 'skipped', step: 'Step', status: 'Status', duration: 'Duration',
    summary: '{passed} passed, {failed} failed', seed: 'Seed',
    repeat: 'Repeat', progress: '{done} / {total} runs finished', failedAt: 'Failed at step “{step}”', runFailed: 'The run stopped',
  },
};
export type Messages = typeof en;
