import { PassThrough } from 'node:stream';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../../core/http/readBody.js';

/** A hono Context as @hono/node-server hands one over: the Node request in `env.incoming`. */
function nodeContext(incoming: PassThrough, headers: Record<string, string> = {}): Context {
  return { env: { incoming }, req: { header: (name: string) => headers[name], raw: {} } } as unknown as Context;
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'NO_ERROR' }),
    (error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }),
  );

describe('readBody over a Node request', () => {
  it('returns the bytes as sent, across chunks', async () => {
    const incoming = new PassThrough();
    const read = readBody(nodeContext(incoming), 100);
    incoming.write('{"a":');
    incoming.end('1}');
    expect(Buffer.from(await read).toString()).toBe('{"a":1}');
  });

  it('a body that grows past the limit without a Content-Length is PAYLOAD_TOO_LARGE, and it stops listening', async () => {
    const incoming = new PassThrough();
    const read = errorOf(readBody(nodeContext(incoming), 10));
    incoming.write('0123456789');
    incoming.write('x');
    expect(await read).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds 10 bytes' });
    expect(incoming.listenerCount('data')).toBe(0);
  });

  it('a declared Content-Length over the limit is refused before a byte is read', async () => {
    const incoming = new PassThrough();
    expect(await errorOf(readBody(nodeContext(incoming, { 'content-length': '11' }), 10))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(incoming.listenerCount('data')).toBe(0);
  });

  it('a client that hangs up halfway settles the read as INVALID_INPUT instead of leaving it pending', async () => {
    const incoming = new PassThrough();
    const read = errorOf(readBody(nodeContext(incoming), 100));
    incoming.write('{"loginId":"yam');
    incoming.destroy();
    expect(await read).toEqual({ code: 'INVALID_INPUT', message: 'Request body was cut off' });
  });
});
