/** Faults a scenario or the harness can arm on a journey phone (see `browserFor`). */
export const FAULT_NAMES = [
  'wrongRpIdHash',
  'corruptSignature',
  'clearUp',
  'clearUv',
  'counterRegression',
  'malformedCbor',
  'wrongOrigin',
  'wrongType',
  'replayChallenge',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];
