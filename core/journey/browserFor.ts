import { createAuthenticator, type AuthenticatorFaults } from '../authenticator/index.js';
import { createClient } from '../client/index.js';
import type { World, WorldPhone } from './world.js';

/** The browser side of one ceremony: a phone's authenticator behind a client, with its armed faults. */
export function browserFor(world: World, phone: WorldPhone) {
  const faults: AuthenticatorFaults = {
    wrongRpIdHash: phone.faults.wrongRpIdHash,
    corruptSignature: phone.faults.corruptSignature,
    clearUp: phone.faults.clearUp,
    clearUv: phone.faults.clearUv,
    counterRegression: phone.faults.counterRegression,
    malformedCbor: phone.faults.malformedCbor,
    wrongOrigin: phone.faults.wrongOrigin ? 'https://evil.example' : undefined,
    wrongType: phone.faults.wrongType,
    flipBackupState: phone.faults.flipBackupState,
  };
  const authenticator = createAuthenticator({
    profile: phone.profile,
    credentials: phone.credentials,
    clock: world.clock,
    random: world.random,
    seed: `${world.seed}:${phone.name}`,
    localAuth: async () => phone.decision,
    faults,
    attestationCa: world.trust.ca,
  });
  return createClient({ authenticator, origin: world.origin, faults });
}
