import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { HarnessError } from '../errors.js';

function tooLarge(maxBytes: number): HarnessError {
  return new HarnessError('PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBytes} bytes`);
}

/** The Content-Length the client declared, when it is a plain decimal (Node's parser already refused a malformed one). */
function declaredLength(c: Context): number | undefined {
  const header = c.req.header('content-length');
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** A declared body over the limit is refused before any route runs (a chunked one as `readBody` reads it). */
export function checkDeclaredLength(c: Context, maxBytes: number): void {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
}

/** The Node request under @hono/node-server (`c.env.incoming`); undefined in process (`app.fetch`). */
function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === 'function' && !incoming.readableDidRead ? incoming : undefined;
}

function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (then: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onCut);
      incoming.off('close', onClose);
      then();
    };
    // Past the limit nothing more is kept; Node discards the rest once the 413 is sent.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle(() => reject(tooLarge(maxBytes)));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    const onCut = () => settle(() => reject(new HarnessError('INVALID_INPUT', 'Request body was cut off')));
    const onClose = () => {
      if (!incoming.readableEnded) onCut();
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onCut);
    incoming.on('close', onClose);
  });
}

async function readWebBody(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * The request body, at most `maxBytes` (else PAYLOAD_TOO_LARGE, 413). Under @hono/node-server the
 * bytes come straight from the Node request: hono's bodyLimit middleware opened every API request's
 * body as a web stream to count it (a web Request, a ReadableStream and a reader each time; without them
 * the server spends a fifth to a third less time per passkey request at C = 8). In process (`app.fetch`: Electron, tests)
 * the request's web stream is read with the same limit.
 */
export async function readBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  checkDeclaredLength(c, maxBytes);
  const incoming = nodeIncoming(c);
  if (incoming) return readNodeBody(incoming, maxBytes);
  const stream = c.req.raw.body;
  return stream ? readWebBody(stream, maxBytes) : new Uint8Array(0);
}
