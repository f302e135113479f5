import fc from 'fast-check';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';

/** One edit of a byte string: the damage a flaky transport, a buggy client or an attacker does. */
export type ByteEdit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'append'; bytes: number[] };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x9f, 0xbf, 0xd8, 0x1b, 0x5b, 0x7b, 0xfb) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
);

export function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : edit.kind === 'truncate' || edit.kind === 'insert' ? ('at' in edit ? edit.at % (n + 1) : 0) : 'at' in edit ? edit.at % n : 0;
  switch (edit.kind) {
    case 'flip': {
      const out = bytes.slice();
      if (n > 0) out[at] = out[at]! ^ (1 << edit.bit);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return concat(bytes.subarray(0, at), Uint8Array.of(edit.byte), bytes.subarray(at));
    case 'duplicate':
      return concat(bytes.subarray(0, at + Math.min(edit.length, n - at)), bytes.subarray(at));
    case 'set': {
      const out = bytes.slice();
      if (n > 0) out[at] = edit.byte;
      return out;
    }
    case 'append':
      return concat(bytes, Uint8Array.from(edit.bytes));
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Edits of the base64url text itself (not the bytes it carries): bad alphabet, padding, length mod 4. */
export type TextEdit = { kind: 'char'; at: number; char: string } | { kind: 'cut'; at: number } | { kind: 'pad' } | { kind: 'std-alphabet' };
export const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), char: fc.constantFrom('+', '/', '=', ' ', '\n', '.', '\u0000', 'é', '%', 'A', '_', '-') }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.constant({ kind: 'pad' as const }),
  fc.constant({ kind: 'std-alphabet' as const }),
);
export function applyTextEdit(text: string, edit: TextEdit): string {
  const n = text.length;
  switch (edit.kind) {
    case 'char': {
      const at = n === 0 ? 0 : edit.at % n;
      return text.slice(0, at) + edit.char + text.slice(at + 1);
    }
    case 'cut':
      return text.slice(0, n === 0 ? 0 : edit.at % (n + 1));
    case 'pad':
      return `${text}==`;
    case 'std-alphabet':
      return text.replaceAll('-', '+').replaceAll('_', '/');
  }
}

/** A JSON value of the wrong kind for any field. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, '', 'AAAA', '__proto__', [], {}, { __proto__: { polluted: true } }),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A mutation of a WebAuthn response JSON: a byte edit inside one base64url field, a text edit of it, or a field swapped or removed. */
export type ResponseMutation =
  | { kind: 'bytes'; field: string; edits: ByteEdit[] }
  | { kind: 'text'; field: string; edit: TextEdit }
  | { kind: 'replace'; field: string; value: unknown }
  | { kind: 'delete'; field: string };

export function responseMutation(fields: { bytes: string[]; all: string[] }): fc.Arbitrary<ResponseMutation> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('bytes' as const), field: fc.constantFrom(...fields.bytes), edits: fc.array(byteEdit, { minLength: 1, maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), field: fc.constantFrom(...fields.bytes), edit: textEdit }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), field: fc.constantFrom(...fields.all), value: junkValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...fields.all) }) },
  );
}

/** Field paths are dotted (`response.attestationObject`); returns a deep copy with the mutation applied. */
export function applyMutation<T>(base: T, mutation: ResponseMutation): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  const path = mutation.field.split('.');
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (!next || typeof next !== 'object') return copy as T;
    parent = next as Record<string, unknown>;
  }
  const leaf = path[path.length - 1]!;
  if (mutation.kind === 'delete') delete parent[leaf];
  else if (mutation.kind === 'replace') parent[leaf] = mutation.value;
  else if (mutation.kind === 'text') parent[leaf] = applyTextEdit(String(parent[leaf] ?? ''), mutation.edit);
  else {
    let bytes = fromBase64url(String(parent[leaf] ?? ''));
    for (const edit of mutation.edits) bytes = applyByteEdit(bytes, edit);
    parent[leaf] = toBase64url(bytes);
    // id and rawId travel together in a real client; half the time keep them equal so the deeper checks run.
    if (leaf === 'id' && 'rawId' in parent) parent.rawId = parent[leaf];
  }
  return copy as T;
}

export const REGISTRATION_FIELDS = {
  bytes: ['id', 'rawId', 'response.clientDataJSON', 'response.attestationObject'],
  all: ['id', 'rawId', 'type', 'response', 'response.clientDataJSON', 'response.attestationObject', 'response.transports', 'authenticatorAttachment', 'clientExtensionResults'],
};
export const AUTHENTICATION_FIELDS = {
  bytes: ['id', 'rawId', 'response.clientDataJSON', 'response.authenticatorData', 'response.signature', 'response.userHandle'],
  all: ['id', 'rawId', 'type', 'response', 'response.clientDataJSON', 'response.authenticatorData', 'response.signature', 'response.userHandle', 'authenticatorAttachment', 'clientExtensionResults'],
};
