export const en = {
  app: { title: 'Passkey Harness', mode: { electron: 'Desktop', http: 'Browser mode' }, language: 'Language', loading: 'Loading…', refresh: 'Refresh', close: 'Close', cancel: 'Cancel', save: 'Save', error: 'Error', tokenRequired: 'This console needs its access token: open the console URL that `serve` printed (…/console/#token=…).' },
  tabs: { phones: 'Phones', server: 'Server', support: 'Support', scenarios: 'Scenarios' },
  phones: {
    title: 'Simulated phones', add: 'Add phone', name: 'Name', profile: 'Profile', none: 'No phones yet. Add one to open the customer pages on it.',
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
  },
  server: {
    accounts: 'Accounts', search: 'Search', username: 'Login ID', displayName: 'Name', emails: 'Emails', otp: 'OTP service', locked: 'Locked',
    passkeys: 'Passkeys', noAccounts: 'No accounts.', registration: 'Registration info (パスワード関連)',
    mailbox: 'Mailbox', noMail: 'No mail.', to: 'To', subject: 'Subject', sentAt: 'Sent',
    audit: 'Audit log', chainOk: 'Hash chain intact ({n} entries)', chainBroken: 'Hash chain broken at #{seq}', verify: 'Verify chain',
    at: 'Time', actor: 'Actor', action: 'Action', target: 'Target', outcome: 'Outcome',
  },
  passkey: { name: 'Name', aaguid: 'AAGUID', transports: 'Transports', backup: 'Backup (BE/BS)', counter: 'Counter', created: 'Created', lastUsed: 'Last used', revoked: 'Revoked', active: 'Active', credentialId: 'Credential ID' },
  inspector: {
    title: 'Ceremony inspector', response: 'Response JSON (RegistrationResponseJSON or AuthenticationResponseJSON)', expectedChallenge: 'Expected challenge (base64url, optional)',
    expectedOrigin: 'Expected origin', rpId: 'RP ID', inspect: 'Decode and check', useLast: 'Use last ceremony', clientData: 'clientDataJSON', authData: 'Authenticator data',
    flags: 'Flags', counter: 'Counter', attestation: 'Attestation statement', coseKey: 'COSE public key', steps: 'Verification steps', pass: 'pass', fail: 'fail', skip: 'not checked',
  },
  support: {
    title: 'Customer support', role: 'Role', viewer: 'Viewer', operator: 'Operator', search: 'Search account', select: 'Open',
    revoke: 'Revoke', reset: 'Reset all passkeys', reason: 'Reason', ticket: 'Ticket', confirm: 'Confirm', done: 'Done: {n} passkey(s) revoked.',
    viewerNote: 'Viewers can inspect but not revoke or reset.', reasonRequired: 'A reason is required.',
  },
  scenarios: {
    title: 'Scenarios', open: 'Open YAML file', name: 'File name', validate: 'Validate', run: 'Run', running: 'Running…', exportJunit: 'Export JUnit',
    valid: 'Valid', invalid: 'Invalid', passed: 'passed', failed: 'failed', skipped: 'skipped', step: 'Step', status: 'Status', duration: 'Duration',
    summary: '{passed} passed, {failed} failed', seed: 'Seed',
    repeat: 'Repeat', progress: '{done} / {total} runs finished', failedAt: 'Failed at step “{step}”', runFailed: 'The run stopped',
  },
};
export type Messages = typeof en;
