import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';
import { describeError, type ApiMode, type HarnessApi, type HarnessCaller } from '../shared/api.js';
import type { CeremonyRecord } from './webauthnShim.js';

export interface ConsoleContext {
  api: HarnessApi;
  mode: ApiMode;
  /** The most recent ceremony any phone performed, for the inspector. */
  lastCeremony: Ref<CeremonyRecord | undefined>;
  /** Bumped after anything that changes server state, so panels refresh. */
  revision: Ref<number>;
  /** Who the server says we are (`harness.info`); destructive buttons show only for operators (the server enforces it anyway). */
  caller: Ref<HarnessCaller | undefined>;
  /** Why `harness.info` failed (e.g. AUTH_REQUIRED: the console was opened without its token). */
  callerError: Ref<{ code: string; message: string } | undefined>;
  /**
   * A passkey whose audit log was asked for from elsewhere (its history panel): App switches to the
   * Server tab and AuditLog applies it as the passkey filter, then clears it.
   */
  auditRequest: Ref<{ credentialId: string } | undefined>;
}

const KEY: InjectionKey<ConsoleContext> = Symbol('console');

export function provideConsole(api: HarnessApi, mode: ApiMode): ConsoleContext {
  const context: ConsoleContext = { api, mode, lastCeremony: ref(), revision: ref(0), caller: ref(), callerError: ref(), auditRequest: ref() };
  provide(KEY, context);
  api['harness.info']({}).then(
    (info) => (context.caller.value = info.caller),
    (error: unknown) => (context.callerError.value = describeError(error)),
  );
  return context;
}

export function useConsole(): ConsoleContext {
  const context = inject(KEY);
  if (!context) throw new Error('console context missing');
  return context;
}

/** Runs an API call, keeping `busy` (until the last call in flight ends) and `error` (message + code) for the template. */
export function useAction() {
  const busy = ref(false);
  const error = ref<{ code: string; message: string }>();
  let running = 0;
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    running++;
    busy.value = true;
    error.value = undefined;
    try {
      return await action();
    } catch (caught) {
      error.value = describeError(caught);
      return undefined;
    } finally {
      busy.value = --running > 0;
    }
  }
  return { busy, error, run };
}

/** Saves text as a file from the renderer (Blob + a[download]; no Node APIs needed). */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
