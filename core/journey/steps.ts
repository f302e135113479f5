/**
 * One screen of the seed flow (DESIGN §1) as the journey reports it: the harness's `enroll` /
 * `login` channels return these so the CLI and the console can show what happened, step by step.
 */
export interface FlowStep {
  step: string;
  title: string;
  detail: string;
  skipped?: boolean;
}

/**
 * The last WebAuthn ceremony a journey step played: the options the RP issued and the response the
 * phone sent (absent when the phone answered nothing, e.g. a denied prompt). The same shape as the
 * console's ceremony records, so its inspector opens one as is.
 */
export interface CeremonyTrace {
  ceremony: 'create' | 'get';
  phone: string;
  origin: string;
  rpId: string;
  options: Record<string, unknown>;
  response?: Record<string, unknown>;
}
