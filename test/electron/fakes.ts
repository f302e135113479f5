import { EventEmitter } from 'node:events';
import type { DebuggerLike } from '../../electron/phoneDebugger.js';

/** `webContents.debugger` with a scripted CDP: records commands, emits 'message' events on demand. */
export function fakeDebugger(credentialsInBrowser: () => unknown[] = () => []) {
  const sent: { method: string; params?: Record<string, unknown> }[] = [];
  const events = new EventEmitter();
  let attached = false;
  const dbg: DebuggerLike & { emitCdp(method: string, params: unknown): void } = {
    attach: () => void (attached = true),
    detach: () => void (attached = false),
    isAttached: () => attached,
    async sendCommand(method, params) {
      sent.push({ method, params });
      if (method === 'WebAuthn.addVirtualAuthenticator') return { authenticatorId: 'va-1' };
      if (method === 'WebAuthn.getCredentials') return { credentials: credentialsInBrowser() };
      return {};
    },
    on: (event, listener) => events.on(event, listener),
    removeListener: (event, listener) => events.removeListener(event, listener),
    emitCdp: (method, params) => void events.emit('message', {}, method, params),
  };
  return { dbg, sent, listeners: () => events.listenerCount('message') };
}

/** Lets queued promise callbacks run (the debugger's handlers are async). */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
