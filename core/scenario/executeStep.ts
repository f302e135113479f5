import { builtInProfiles, parseProfile } from '../authenticator/index.js';
import { HarnessError } from '../errors.js';
import { ManualClock } from '../clock.js';
import {
  confirmRegistration,
  createPasskey,
  enrollFlow,
  enterCode,
  openRegistrationInfo,
  passkeyLogin,
  passwordLogin,
  readCode,
  sendEmailCode,
  tapRegister,
  totpNow,
  newOtpSecret,
  newPhone,
  phoneOf,
  userOf,
  type World,
} from '../journey/index.js';
import { applySignal } from '../phone/index.js';
import type { ScenarioStep } from './schema.js';

/** The scenario clock's end: the last instant with a four-digit year (ISO 8601 and MDS dates stop there). */
export const LAST_SCENARIO_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A code that is certainly not `code`: each digit shifted by one. */
function wrongCode(code: string | undefined): string {
  return (code ?? '000000').replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

async function userPasskeys(world: World, username: string) {
  const user = userOf(world, username);
  const { passkeys } = await world.rp.admin.listPasskeys({ admin: world.admin, accountId: user.accountId });
  return passkeys as { passkeyId: number; revokedAt: number | string | null }[];
}

/** Performs one scenario step against the world; failures are HarnessErrors the runner compares with `expect`. */
export async function executeStep(world: World, step: ScenarioStep): Promise<void> {
  switch (step.do) {
    case 'createUser': {
      const emails = step.emails ?? [`${step.user}@example.test`];
      const otpSecret = step.otp ? newOtpSecret(world.random) : undefined;
      const created = await world.rp.createAccount({
        loginId: step.user,
        password: step.password,
        tradingPassword: `${step.password}-trading`,
        displayName: step.user,
        emails,
        ...(otpSecret ? { otpSecret } : {}),
      });
      world.users.set(step.user, { username: step.user, password: step.password, accountId: created.accountId, otpUri: created.otpUri, emails: [] });
      world.currentUser = step.user;
      return;
    }
    case 'createPhone':
      newPhone(world, step.phone, typeof step.profile === 'string' ? step.profile : parseProfile(step.profile, `createPhone ${step.phone}`));
      return;
    case 'login':
      await passwordLogin(world, step.user, step.password);
      return;
    case 'openRegistrationInfo':
      await openRegistrationInfo(world, userOf(world, step.user));
      return;
    case 'startRegistration':
      await tapRegister(world, userOf(world, step.user));
      return;
    case 'sendEmailCode':
      await sendEmailCode(world, userOf(world, step.user), step.email);
      return;
    case 'readCode':
      await readCode(world, userOf(world, step.user), step.email);
      return;
    case 'enterCode': {
      const user = userOf(world, step.user);
      let code = step.code;
      if (code === 'mailbox') {
        if (!user.code) throw new HarnessError('NOT_FOUND', 'no code read yet (add a readCode step)');
        code = user.code;
      } else if (code === 'wrong') code = wrongCode(user.code);
      await enterCode(world, user, code);
      return;
    }
    case 'enterTotp': {
      const user = userOf(world, step.user);
      await enterCode(world, user, totpNow(world, user, step.offsetSeconds));
      return;
    }
    case 'confirm':
      await confirmRegistration(world, userOf(world, step.user), step.attestation);
      return;
    case 'localAuth':
      await createPasskey(world, userOf(world, step.user), step.phone, step.decision, step.passkeyName);
      return;
    case 'enroll':
      userOf(world, step.user);
      await enrollFlow(world, { username: step.user, password: step.password, phone: step.phone, stepUp: step.stepUp, decision: step.decision, attestation: step.attestation });
      return;
    case 'loginWithPasskey': {
      const mode = step.mode ?? (step.user ? 'username-first' : 'discoverable');
      const phone = phoneOf(world, step.phone);
      await passkeyLogin(world, { username: step.user, phone: step.phone, mode, decision: step.decision, replay: phone.faults.replayChallenge === true });
      return;
    }
    case 'injectFault':
      phoneOf(world, step.phone).faults[step.fault] = step.enabled;
      return;
    case 'clonePhone': {
      const source = phoneOf(world, step.phone);
      const clone = newPhone(world, step.as, source.profile);
      for (const credential of source.credentials.list()) clone.credentials.put({ ...credential });
      return;
    }
    case 'adminRevoke': {
      const passkeys = await userPasskeys(world, step.user);
      const target = step.passkey === 'last' ? passkeys[passkeys.length - 1] : step.passkey === 'first' ? passkeys[0] : passkeys[step.passkey];
      if (!target) throw new HarnessError('PASSKEY_NOT_FOUND', `${step.user} has no passkey ${String(step.passkey)}`);
      await world.rp.admin.revokePasskey({ admin: world.admin, passkeyId: target.passkeyId, reason: step.reason, ticket: step.ticket ?? 'SCENARIO' });
      return;
    }
    case 'signalAccepted': {
      // What the customer pages do at 登録情報照会 (renderer/customer/webauthn.ts signalAccepted), played on the phone.
      const { sessionId } = await passwordLogin(world, step.user, step.password);
      const data = world.rp.listSignalData({ sessionId: sessionId! });
      const phone = phoneOf(world, step.phone);
      const accepted = applySignal(phone.credentials, { signal: 'allAcceptedCredentials', rpId: data.rpId, userId: data.userId, allAcceptedCredentialIds: data.acceptedCredentialIds }, { origin: world.origin });
      applySignal(phone.credentials, { signal: 'currentUserDetails', rpId: data.rpId, userId: data.userId, name: data.name, displayName: data.displayName }, { origin: world.origin });
      if (accepted.removed.length) {
        world.rp.admin.recordPhoneSignal({ admin: world.admin, phone: step.phone, signal: 'allAcceptedCredentials', rpId: data.rpId, userHandle: data.userId, removedCredentialIds: accepted.removed, details: { origin: world.origin } });
      }
      return;
    }
    case 'adminReset': {
      const user = userOf(world, step.user);
      await world.rp.admin.resetPasskeys({ admin: world.admin, accountId: user.accountId, reason: step.reason, ticket: step.ticket ?? 'SCENARIO' });
      return;
    }
    case 'advanceClock': {
      if (!(world.clock instanceof ManualClock)) throw new HarnessError('INVALID_INPUT', 'advanceClock needs the scenario ManualClock');
      const by = ((step.seconds ?? 0) + (step.minutes ?? 0) * 60) * 1000;
      // Each step is bounded by the schema, but thousands of them are not: past year 9999 dates stop
      // having an ISO form (MDS dates were INVALID_INPUT, past 275760 Date itself was an INTERNAL).
      if (world.clock.now() + by > LAST_SCENARIO_INSTANT) {
        throw new HarnessError('INVALID_INPUT', `advanceClock would move the scenario clock past ${new Date(LAST_SCENARIO_INSTANT).toISOString()}`, { details: { now: new Date(world.clock.now()).toISOString(), advanceMs: by } });
      }
      world.clock.advance(by);
      return;
    }
    case 'setMdsStatus': {
      const profile = builtInProfiles[step.profile];
      if (!profile) throw new HarnessError('PROFILE_UNKNOWN', `no built-in profile ${step.profile}`, { details: { known: Object.keys(builtInProfiles) } });
      world.trust.mds.setStatus({ aaguid: profile.aaguid, status: step.status, ...(step.effective ? { effective: step.effective } : {}) });
      return;
    }
    case 'serveMetadata':
      world.trust.mds.serve(step.blob === 'good' ? null : step.blob);
      return;
    case 'check':
      return;
  }
}

export { userPasskeys };
