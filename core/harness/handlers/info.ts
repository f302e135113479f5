import { builtInProfiles } from '../../authenticator/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { HandlerContext } from './context.js';

export const HARNESS_VERSION = '0.1.0';

/** `harness.info`: what this harness serves and who is calling (the console hides operator buttons from viewers). */
export function infoHandlers({ rpId, origin, dbPath, caller, phones, phoneFrameOrigin }: HandlerContext): Pick<HarnessImplementation, 'harness.info'> {
  return {
    async 'harness.info'() {
      return { version: HARNESS_VERSION, rpId, origin, dbPath, profiles: Object.values(builtInProfiles).map((p) => ({ id: p.id, label: p.label })), caller: { ...caller }, ...(phones.vault ? { vault: { ...phones.vault } } : {}), ...(phoneFrameOrigin ? { phoneFrameOrigin } : {}) };
    },
  };
}
