import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError, invalidInput, isHarnessErrorCode } from '../errors.js';
import { scanJsonMembers } from '../webauthn/findDuplicateMember.js';
import { hasLoneSurrogate } from '../wellFormed.js';
import { hostAllowlist } from './checkHost.js';
import { isConsolePath } from './consolePath.js';
import { CSRF_HEADER, checkCsrf } from './csrf.js';
import { statusForCode, toErrorReply } from './errorResponse.js';
import { createRateLimiter, type RateLimitRule } from './rateLimit.js';
import { checkDeclaredLength, readBody } from './readBody.js';
import { routes, type RouteDef } from './routes.js';
import { channelParams } from './schemas.js';
import { securityHeaders } from './securityHeaders.js';
import { CUSTOMER_COOKIE, SLOT_HEADER, cookieNameFor } from './sessionCookie.js';
import { defaultStaticDir, readStaticFile } from './serveStatic.js';
import type { HttpHarnessMount, HttpRp } from './types.js';

export interface HttpServerOptions {
  /** The relying party (`createRelyingParty(...)`); its `origins` must include the URL this server listens on. */
  rp: HttpRp;
  /** Serves `POST /api/harness/:channel` (e.g. `{ handle: (ch, input) => handleHarnessCall(harness, ch, input) }`). */
  harness?: HttpHarnessMount;
  /** Built renderer (`out/renderer`); default: the nearest `out/renderer` above this module; `null` serves no pages. */
  staticDir?: string | null;
  /** Origins allowed on state-changing requests, besides `http://localhost:PORT` / `http://127.0.0.1:PORT` of `listen`. */
  origins?: string[];
  /** CSP `frame-ancestors` sources for the pages; default `'self'` (the console embeds them from the same origin). */
  frameAncestors?: string[];
  /** Largest accepted request body in bytes (default 64 KiB) → `PAYLOAD_TOO_LARGE` 413. */
  maxBodyBytes?: number;
  /** Rate limits on credential-guessing and mail-sending routes (defaults: 300/min per IP, 30/min per account). */
  rateLimits?: { perIp?: RateLimitRule; perAccount?: RateLimitRule };
  clock?: Clock;
  /** Serves `GET /mds/blob` without a token, as FIDO's MDS does (the harness's local MDS3 BLOB). */
  mdsBlob?: () => Promise<string>;
  /**
   * `all` (default): customer pages, console and (when mounted) the harness API. `customer`: only the
   * customer pages and their `/api/*` routes, for the console's phone frames on their own origin, so a
   * script in a customer page can reach neither the console, its token nor the harness channels.
   */
  pages?: 'all' | 'customer';
  /** CSP `frame-src` sources besides `'self'`: the phone frames' origin, which the console embeds. */
  frameSrc?: string[];
}

export interface ListeningServer {
  /** `http://localhost:PORT` — WebAuthn needs a domain RP ID, and localhost is a secure context. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface HttpServer {
  /** The Hono fetch handler (in-process use: Electron, tests). */
  fetch(request: Request): Promise<Response>;
  listen(opts?: { port?: number; host?: string }): Promise<ListeningServer>;
}

const JSON_HEADERS = { 'Cache-Control': 'no-store' };

/**
 * HTTP adapter over core/rp: the JSON API of the seed flow, the harness channels (support
 * operations among them) at `POST /api/harness/:channel`, plus the built customer pages and
 * console. Parses and validates input, calls the RP, formats output; every failure becomes
 * `{ code, message }` with a status from `statusForCode`.
 *
 * @example
 * const server = createHttpServer({ rp, harness: createHarnessMount(harness) });
 * const { url, close } = await server.listen({ port: 8787 });
 */
export function createHttpServer({
  rp,
  harness,
  staticDir,
  origins = [],
  frameAncestors = ["'self'"],
  maxBodyBytes = 64 * 1024,
  rateLimits = {},
  clock = systemClock,
  mdsBlob,
  pages = 'all',
  frameSrc = [],
}: HttpServerOptions): HttpServer {
  const allowedOrigins = new Set(origins.map((o) => new URL(o).origin));
  const hosts = hostAllowlist(origins);
  const pagesRoot = staticDir === null ? undefined : (staticDir ?? defaultStaticDir());
  const headers = securityHeaders({ frameAncestors, frameSrc });
  const customerOnly = pages === 'customer';
  const perIp = createRateLimiter({ clock, rule: rateLimits.perIp ?? { limit: 300, windowMs: 60_000 } });
  const perAccount = createRateLimiter({ clock, rule: rateLimits.perAccount ?? { limit: 30, windowMs: 60_000 } });

  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });

  app.onError((error, c) => {
    const reply = toErrorReply(error);
    const body = c.req.path.startsWith('/api/harness/') ? { ok: false, error: reply.body, ...reply.body } : reply.body;
    return c.json(body, reply.status as 400, { ...JSON_HEADERS, ...reply.headers });
  });

  // Before anything else answers: a request for another Host (DNS rebinding) learns nothing, not even a page.
  app.use('*', async (c, next) => {
    const host = c.req.header('host');
    const target = new URL(c.req.url).host;
    hosts.check(host ?? target);
    // RFC 9112 §3.2.2: with an absolute-form request-target (`GET http://evil.example/`) its authority, not Host, names the server.
    if (host !== undefined && target !== host) hosts.check(target);
    await next();
  });

  app.use('/api/*', async (c, next) => {
    checkCsrf({ method: c.req.method, origin: c.req.header('origin'), csrfHeader: c.req.header(CSRF_HEADER), allowedOrigins });
    await next();
  });
  // A declared body over the limit ends here, whatever the route; the body itself is read (bounded) only by readJson.
  app.use('/api/*', async (c, next) => {
    checkDeclaredLength(c, maxBodyBytes);
    await next();
  });

  for (const def of routes) {
    const handler = async (c: Context) => c.json((await runRoute(c, def)) as object, 200, JSON_HEADERS);
    if (def.method === 'GET') app.get(def.path, handler);
    else app.post(def.path, handler);
  }

  app.post('/api/harness/:channel', async (c) => {
    if (!harness || customerOnly) throw new HarnessError('NOT_FOUND', 'This server has no harness mounted');
    const token = bearerToken(c);
    const caller = harness.authenticate(token);
    if (!caller) throw new HarnessError('AUTH_REQUIRED', token ? 'Unknown or rotated harness token' : 'Harness token required (Authorization: Bearer <token>: the operator token npm start / pkh serve printed; the CLI reads it from PASSKEY_HARNESS_TOKEN)');
    const { channel } = validate(channelParams, c.req.param(), 'path');
    const input = await readJson(c, maxBodyBytes);
    const reply = await harness.handle(channel, input, caller);
    // A mount written without the types (or a newer peer) may send a code this build does not know: a 500.
    const status = reply.ok ? 200 : statusForCode(isHarnessErrorCode(reply.error.code) ? reply.error.code : 'INTERNAL');
    return c.json(reply.ok ? reply : { ...reply, code: reply.error.code, message: reply.error.message }, status as 200, JSON_HEADERS);
  });

  app.all('/api/*', () => {
    throw new HarnessError('NOT_FOUND', 'No such API route');
  });

  // Public like https://mds3.fidoalliance.org/: the BLOB is signed, and an RP verifies it, not the channel.
  app.get('/mds/blob', async (c) => {
    if (!mdsBlob) throw new HarnessError('NOT_FOUND', 'This server has no metadata service');
    return c.body(await mdsBlob(), 200, { 'Content-Type': 'application/jwt', 'Cache-Control': 'no-store' });
  });
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('*', async (c) => {
    const file = pagesRoot && !(customerOnly && isConsolePath(c.req.path)) ? await readStaticFile(pagesRoot, c.req.path) : undefined;
    if (!file) throw new HarnessError('NOT_FOUND', pagesRoot ? 'Not found' : 'The renderer is not built (run npm run build)');
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.contentType, 'Cache-Control': file.cacheControl });
  });
  app.notFound(() => {
    throw new HarnessError('NOT_FOUND', 'Not found');
  });

  async function runRoute(c: Context, def: RouteDef): Promise<unknown> {
    const slot = c.req.header(SLOT_HEADER);
    const customerCookie = cookieNameFor(CUSTOMER_COOKIE, slot);
    const ip = clientIp(c);
    if (def.limit) perIp.hit(`ip:${ip}`);

    const body = def.body ? validate(def.body, await readJson(c, maxBodyBytes), 'body') : undefined;
    const query = def.query ? validate(def.query, c.req.query(), 'query') : undefined;
    const params = def.params ? validate(def.params, c.req.param(), 'path') : undefined;

    let sessionId = '';
    if (def.auth === 'customer') {
      sessionId = getCookie(c, customerCookie) ?? '';
      if (!sessionId) throw new HarnessError('AUTH_REQUIRED', 'Log in first');
    }

    if (def.limit === 'login') {
      const loginId = (body as { loginId?: unknown } | undefined)?.loginId;
      if (typeof loginId === 'string') perAccount.hit(`login:${loginId.toLowerCase()}`);
    } else if (def.limit === 'account') {
      const session = await rp.getSession({ sessionId });
      perAccount.hit(`account:${session.accountId}`);
    }

    const result = (await def.handle({ rp, body, query, params, sessionId })) as Record<string, unknown> | undefined;

    if (def.session === 'set' && result && typeof result.sessionId === 'string') {
      setCookie(c, customerCookie, result.sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', secure: isHttpsRequest(c) });
      const { sessionId: _hidden, ...rest } = result;
      return rest;
    }
    if (def.session === 'clear') deleteCookie(c, customerCookie, { path: '/', secure: isHttpsRequest(c) });
    return result ?? { ok: true };
  }

  /** RFC 7235 §2.1: the scheme is case-insensitive (`bearer x` is `Bearer x`). */
  function bearerToken(c: Context): string | undefined {
    const match = /^Bearer +([\x21-\x7e]{1,256})$/i.exec(c.req.header('authorization') ?? '');
    return match?.[1];
  }

  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise<ListeningServer>((resolveListen, reject) => {
        let server: ServerType;
        const onError = (error: Error) => reject(new HarnessError('SERVER_UNAVAILABLE', `Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
        server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          server.off('error', onError);
          hosts.listening(info.port);
          allowedOrigins.add(`http://localhost:${info.port}`);
          allowedOrigins.add(`http://127.0.0.1:${info.port}`);
          resolveListen({
            url: `http://localhost:${info.port}`,
            port: info.port,
            close: () =>
              new Promise<void>((done) => {
                const s = server as ServerType & { closeAllConnections?: () => void };
                s.close(() => done());
                s.closeAllConnections?.();
              }),
          });
        });
        server.once('error', onError);
      }),
  };
}

/**
 * Whether the browser is on https: the socket's scheme, or, behind a TLS-terminating proxy (a
 * configured https origin), the Origin every session-setting POST carries and checkCsrf already
 * matched against the allowed origins. The session cookie is `Secure` then (RFC 6265bis §4.1.2.5).
 */
function isHttpsRequest(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return /^https:\/\//i.test(c.req.header('origin') ?? '');
}

function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'in-process';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** No request of ours nests deeper than a few levels; the bound keeps every later walk of the body shallow. */
const MAX_JSON_DEPTH = 32;

/**
 * The body as JSON, strictly (RFC 8259): UTF-8 only (a leading BOM is dropped, as §8.1 allows),
 * nesting bounded, each member name once per object. Anything else is INVALID_INPUT: invalid
 * bytes would become U+FFFD, and of two equal names JSON.parse keeps the last while a proxy, a
 * log reader or another parser may keep the first (the clientDataJSON differential, at the HTTP layer).
 */
async function readJson(c: Context, maxBodyBytes: number): Promise<unknown> {
  const bytes = await readBody(c, maxBodyBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HarnessError('INVALID_INPUT', 'Request body is not UTF-8');
  }
  if (text.trim() === '') return {};
  const type = c.req.header('content-type') ?? '';
  // application/json itself (parameters allowed), not application/json-patch+json and the like.
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HarnessError('INVALID_INPUT', 'Request body must be application/json');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HarnessError('INVALID_INPUT', 'Request body is not valid JSON');
  }
  const { duplicate, depth } = scanJsonMembers(text);
  if (depth > MAX_JSON_DEPTH) throw new HarnessError('INVALID_INPUT', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (duplicate !== undefined) throw new HarnessError('INVALID_INPUT', `Request body has member ${JSON.stringify(duplicate)} more than once in one object`);
  // The decoded text is well-formed; only a \uD800–\uDFFF escape can make a lone surrogate.
  if (/\\u[dD][89a-fA-F]/.test(text) && containsLoneSurrogate(body)) throw new HarnessError('INVALID_INPUT', 'Request body has a string that is not valid Unicode (a lone surrogate escape)');
  return body;
}

/** Recursive, so only for bodies within MAX_JSON_DEPTH. */
function containsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return hasLoneSurrogate(value);
  if (Array.isArray(value)) return value.some(containsLoneSurrogate);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, v]) => hasLoneSurrogate(key) || containsLoneSurrogate(v));
  return false;
}

function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error, `Invalid ${where}`, '(root)');
}
