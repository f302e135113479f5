import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Fido2Lib } from 'fido2-lib';

/**
 * An INDEPENDENT relying party for interop tests: fido2-lib (not our core/rp, not
 * @simplewebauthn/server) behind a tiny loopback HTTP server, with one HTML page whose
 * `pkhRegister(username)` / `pkhLogin(username?)` call navigator.credentials.create/get with
 * fido2-lib's options. fido2-lib 3.5.9 cannot verify EdDSA: use ES256 phones.
 */
export interface Fido2Rp {
  url: string;
  origin: string;
  /** Registered credentials by base64url id. */
  credentials: Map<string, { username: string; userHandle: string; publicKeyPem: string; counter: number; flags: string[] }>;
  /** Every verified ceremony, in order. */
  events: { ceremony: 'register' | 'login'; username: string; credentialId: string; counter: number; flags: string[] }[];
  close(): Promise<void>;
}

const b64u = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url');
const toArrayBuffer = (text: string) => {
  const buf = Buffer.from(text, 'base64url');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
};

/** fido2-lib predates BE/BS (WebAuthn L3) and names bits 3 and 4 RFU3/RFU4. */
const flagNames = (flags: Set<string>) => [...flags].map((f) => (f === 'RFU3' ? 'BE' : f === 'RFU4' ? 'BS' : f));
const uuid = (bytes: ArrayBuffer) => {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>fido2-lib RP</title>
<h1>Independent RP (fido2-lib)</h1><pre id="result" data-testid="result"></pre>
<script>
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
async function post(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(json.error || r.statusText);
  return json;
}
function show(value) { document.getElementById('result').textContent = JSON.stringify(value); return value; }
window.pkhRegister = async (username) => {
  const o = await post('/register/options', { username });
  const publicKey = { ...o, challenge: unb64u(o.challenge), user: { ...o.user, id: unb64u(o.user.id) } };
  const c = await navigator.credentials.create({ publicKey });
  return show(await post('/register/verify', { username, credential: { id: c.id, rawId: b64u(c.rawId), type: c.type,
    response: { clientDataJSON: b64u(c.response.clientDataJSON), attestationObject: b64u(c.response.attestationObject) } } }));
};
window.pkhLogin = async (username) => {
  const o = await post('/login/options', { username });
  const publicKey = { ...o, challenge: unb64u(o.challenge), allowCredentials: (o.allowCredentials || []).map((a) => ({ ...a, id: unb64u(a.id) })) };
  const c = await navigator.credentials.get({ publicKey });
  return show(await post('/login/verify', { credential: { id: c.id, rawId: b64u(c.rawId), type: c.type,
    response: { clientDataJSON: b64u(c.response.clientDataJSON), authenticatorData: b64u(c.response.authenticatorData),
      signature: b64u(c.response.signature), userHandle: c.response.userHandle ? b64u(c.response.userHandle) : null } } }));
};
</script>`;

/** `cryptoParams`: the COSE algorithms offered (default ES256 only; fido2-lib also verifies RS256, -257). */
export async function startFido2Rp(options: { residentKey?: boolean; cryptoParams?: number[] } = {}): Promise<Fido2Rp> {
  const credentials: Fido2Rp['credentials'] = new Map();
  const events: Fido2Rp['events'] = [];
  const pending = new Map<string, { challenge: string; username?: string; userHandle?: string }>();
  let origin = '';
  const f2l = new Fido2Lib({
    timeout: 60_000,
    rpId: 'localhost',
    rpName: 'fido2-lib interop RP',
    challengeSize: 32,
    attestation: 'none',
    cryptoParams: options.cryptoParams ?? [-7],
    authenticatorRequireResidentKey: options.residentKey ?? true,
    authenticatorUserVerification: 'preferred',
  });

  async function handle(path: string, body: any): Promise<unknown> {
    if (path === '/register/options') {
      const o = await f2l.attestationOptions();
      const userHandle = b64u(Buffer.from(`user:${body.username}`));
      const challenge = b64u(o.challenge as ArrayBuffer);
      pending.set(`reg:${body.username}`, { challenge, username: body.username, userHandle });
      return { ...o, challenge, user: { id: userHandle, name: body.username, displayName: body.username }, excludeCredentials: [] };
    }
    if (path === '/register/verify') {
      const p = pending.get(`reg:${body.username}`);
      if (!p) throw new Error('no registration in progress');
      pending.delete(`reg:${body.username}`);
      const c = body.credential;
      const result = await f2l.attestationResult({ ...c, rawId: toArrayBuffer(c.rawId) }, { challenge: p.challenge, origin, factor: 'either' });
      const id = b64u(result.authnrData.get('credId') as ArrayBuffer);
      const flags = flagNames(result.authnrData.get('flags') as Set<string>);
      const counter = result.authnrData.get('counter') as number;
      credentials.set(id, { username: body.username, userHandle: p.userHandle!, publicKeyPem: result.authnrData.get('credentialPublicKeyPem') as string, counter, flags });
      events.push({ ceremony: 'register', username: body.username, credentialId: id, counter, flags });
      return { ok: true, credentialId: id, fmt: result.authnrData.get('fmt'), aaguid: uuid(result.authnrData.get('aaguid') as ArrayBuffer), counter, flags };
    }
    if (path === '/login/options') {
      const o = await f2l.assertionOptions();
      const challenge = b64u(o.challenge as ArrayBuffer);
      pending.set(`login:${challenge}`, { challenge, username: body.username });
      const allow = body.username ? [...credentials.entries()].filter(([, v]) => v.username === body.username).map(([id]) => ({ type: 'public-key', id })) : [];
      return { ...o, challenge, allowCredentials: allow };
    }
    if (path === '/login/verify') {
      const c = body.credential;
      const clientData = JSON.parse(Buffer.from(c.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge: string };
      const p = pending.get(`login:${clientData.challenge}`);
      if (!p) throw new Error('unknown challenge');
      pending.delete(`login:${clientData.challenge}`);
      const stored = credentials.get(c.id);
      if (!stored) throw new Error(`unknown credential ${c.id}`);
      const result = await f2l.assertionResult(
        { ...c, rawId: toArrayBuffer(c.rawId), response: { ...c.response, userHandle: c.response.userHandle ?? undefined } },
        { challenge: p.challenge, origin, factor: 'either', publicKey: stored.publicKeyPem, prevCounter: stored.counter, userHandle: c.response.userHandle ? stored.userHandle : null },
      );
      const counter = result.authnrData.get('counter') as number;
      const flags = flagNames(result.authnrData.get('flags') as Set<string>);
      stored.counter = counter;
      events.push({ ceremony: 'login', username: stored.username, credentialId: c.id, counter, flags });
      return { ok: true, username: stored.username, credentialId: c.id, counter, flags };
    }
    throw Object.assign(new Error('not found'), { status: 404 });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (req.method === 'GET') {
      res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(path === '/' ? PAGE : 'not found');
      return;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      handle(path, raw ? JSON.parse(raw) : {})
        .then((value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        })
        .catch((error: Error & { status?: number }) => {
          res.writeHead(error.status ?? 400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: error.message }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://localhost:${port}`;
  return {
    url: `${origin}/`,
    origin,
    credentials,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
