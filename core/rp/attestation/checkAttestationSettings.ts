import { HarnessError } from '../../errors.js';
import type { RpPolicy } from '../policy.js';
import { ATTESTATION_CONVEYANCES, ATTESTATION_POLICIES, REVOKED_MODEL_ACTIONS } from './types.js';

/** Configuration mistakes surface at start-up as CONFIG_INVALID, not at the first registration. */
export function checkAttestationSettings(policy: RpPolicy): RpPolicy {
  const check = (name: string, value: unknown, allowed: readonly string[]) => {
    if (!allowed.includes(value as string)) throw new HarnessError('CONFIG_INVALID', `${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  };
  check('attestation', policy.attestation, ATTESTATION_CONVEYANCES);
  check('attestationPolicy', policy.attestationPolicy, ATTESTATION_POLICIES);
  check('unattested', policy.unattested, ['accept', 'refuse']);
  check('revokedModelAtLogin', policy.revokedModelAtLogin, REVOKED_MODEL_ACTIONS);
  return policy;
}
