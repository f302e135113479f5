import { builtInProfiles, type DeviceProfile } from '../authenticator/index.js';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { systemRandom, type Random } from '../random.js';
import { certificateMatchesKey, deriveBytes, deriveKey, derToPem, issueCertificate, type DerivedKey } from './certificates.js';
import type { MdsStateData, MdsStateStore } from './mdsState.js';
import { memoryMdsState } from './mdsState.js';
import { LEGAL_HEADER, metadataStatementFor } from './metadataStatementFor.js';
import { signJws } from './signJws.js';
import type { TrustMaterial } from './trustFile.js';
import { isAuthenticatorStatus, type AuthenticatorStatus, type BrokenBlob, type MDSJWTPayload, type MetadataBLOBPayloadEntry, type StatusReport, type MdsListEntry } from './types.js';

const DAY = 24 * 3600_000;
const ORG = 'Passkey Harness';


export interface Mds {
  /** The MDS root an RP pins to trust this BLOB (DER and PEM). */
  readonly rootCertificate: Uint8Array;
  readonly rootPem: string;
  /** The current serial number. */
  no(): number;
  /** The unsigned payload as it stands (what `blob()` signs). */
  payload(): MDSJWTPayload;
  /** The signed BLOB; `broken` spoils it on purpose; without it, whatever `serve` chose (good by default). */
  blob(options?: { broken?: BrokenBlob | null }): Promise<string>;
  /** Appends a status report for a model in the BLOB and bumps `no` (MDS3 §3.1.3). */
  setStatus(options: { aaguid: string; status: AuthenticatorStatus; effective?: string }): { aaguid: string; no: number; report: StatusReport };
  /** Which BLOB the harness serves from now on: a broken one, or null for the good one. */
  serve(broken: BrokenBlob | null): { serving: BrokenBlob | null; no: number };
  serving(): BrokenBlob | null;
  list(): MdsListEntry[];
  /** The entry for an AAGUID as the BLOB carries it. */
  entry(aaguid: string): MetadataBLOBPayloadEntry | undefined;
}

export interface OpenMdsOptions {
  material: TrustMaterial;
  /** The attestation root the x5c models name as their anchor. */
  attestationRoot: Uint8Array;
  state?: MdsStateStore;
  clock?: Clock;
  random?: Random;
  /** Profiles the MDS describes (default: every built-in one). */
  profiles?: readonly DeviceProfile[];
  /** Days until `nextUpdate` in a good BLOB. */
  validityDays?: number;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The report in force on `today`: the last one whose effectiveDate is not in the future. */
export function latestReport(reports: readonly StatusReport[], today: string): StatusReport | undefined {
  let found: StatusReport | undefined;
  for (const report of reports) {
    if ((report.effectiveDate ?? '0000-00-00') <= today && (!found || (report.effectiveDate ?? '') >= (found.effectiveDate ?? ''))) found = report;
  }
  return found;
}

/**
 * The harness's local FIDO Metadata Service (MDS3): one entry per profile, status reports a tester
 * appends, a BLOB signed by a certificate chained to the harness MDS root.
 */
export async function openMds(options: OpenMdsOptions): Promise<Mds> {
  const { material, attestationRoot, state = memoryMdsState(), clock = systemClock, random = systemRandom, validityDays = 30 } = options;
  const profiles = options.profiles ?? Object.values(builtInProfiles);
  const notBefore = new Date(material.notBefore);
  const notAfter = new Date(material.notBefore + 20 * 365 * DAY);
  const rootName = `C=US, O=${ORG}, OU=Metadata Service, CN=${ORG} MDS Root`;
  const signerName = `C=US, O=${ORG}, OU=Metadata Service, CN=${ORG} MDS BLOB Signer`;

  async function cert(name: string, key: DerivedKey, issue: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const existing = material.certificate(name);
    if (existing && certificateMatchesKey(existing, key)) return existing;
    return material.remember(name, await issue());
  }
  const rootKey = deriveKey(material.secret, 'mds-root');
  const signerKey = deriveKey(material.secret, 'mds-signer');
  const serial = (label: string): Uint8Array => deriveBytes(material.secret, `serial ${label}`, 16);
  const root = await cert('mds-root', rootKey, () => issueCertificate({ subject: rootName, key: rootKey, serial: serial('mds-root'), notBefore, notAfter, ca: true }));
  const signer = await cert('mds-signer', signerKey, () =>
    issueCertificate({ subject: signerName, key: signerKey, issuer: { name: rootName, key: rootKey }, serial: serial('mds-signer'), notBefore, notAfter, ca: false }),
  );
  let rogue: Promise<{ x5c: Uint8Array[]; pkcs8: Uint8Array }> | undefined;

  function load(): MdsStateData {
    const found = state.read();
    if (found) return found;
    // A fresh installation: every model certified at level 1 since the trust material was made.
    const since = isoDate(material.notBefore);
    const initial: MdsStateData = {
      format: 'passkey-harness/mds@1',
      no: 1,
      reports: Object.fromEntries(profiles.map((p) => [p.aaguid, [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: since, certificationDescriptor: p.label }]])),
      serving: null,
    };
    state.write(initial);
    return initial;
  }

  function entries(data: MdsStateData): MetadataBLOBPayloadEntry[] {
    return profiles.map((profile) => {
      const reports = data.reports[profile.aaguid] ?? [];
      const last = reports.reduce<string>((max, r) => ((r.effectiveDate ?? '') > max ? r.effectiveDate! : max), isoDate(material.notBefore));
      return { aaguid: profile.aaguid, metadataStatement: metadataStatementFor(profile, attestationRoot), statusReports: reports, timeOfLastStatusChange: last };
    });
  }

  function payloadOf(data: MdsStateData): MDSJWTPayload {
    return { legalHeader: LEGAL_HEADER, no: data.no, nextUpdate: isoDate(clock.now() + validityDays * DAY), entries: entries(data) };
  }

  function known(aaguid: string): DeviceProfile {
    const profile = profiles.find((p) => p.aaguid === aaguid);
    if (!profile) throw new HarnessError('NOT_FOUND', `the local MDS has no entry for AAGUID ${aaguid}`, { details: { known: profiles.map((p) => p.aaguid) } });
    return profile;
  }

  return {
    rootCertificate: root,
    rootPem: derToPem(root),
    no: () => load().no,
    payload: () => payloadOf(load()),
    async blob(opts = {}) {
      const data = load();
      const broken = opts.broken === undefined ? data.serving : opts.broken;
      const payload = payloadOf(data);
      if (broken === 'expired') payload.nextUpdate = isoDate(clock.now() - 2 * DAY);
      if (broken === 'lower-no') payload.no = Math.max(0, data.no - 1);
      if (broken === 'unknown-root') {
        // A chain no RP pins: same shape, a root made up for this process.
        rogue ??= (async () => {
          const secret = random.bytes(32);
          const rk = deriveKey(secret, 'rogue-mds-root');
          const sk = deriveKey(secret, 'rogue-mds-signer');
          const rn = `C=US, O=Rogue Metadata, CN=Rogue MDS Root`;
          await issueCertificate({ subject: rn, key: rk, serial: deriveBytes(secret, 'r', 16), notBefore, notAfter, ca: true });
          const leaf = await issueCertificate({ subject: `C=US, O=Rogue Metadata, CN=Rogue MDS BLOB Signer`, key: sk, issuer: { name: rn, key: rk }, serial: deriveBytes(secret, 's', 16), notBefore, notAfter, ca: false });
          return { x5c: [leaf], pkcs8: sk.pkcs8 };
        })();
        const r = await rogue;
        return signJws({ payload, x5c: r.x5c, pkcs8: r.pkcs8 });
      }
      const jws = signJws({ payload, x5c: [signer], pkcs8: signerKey.pkcs8 });
      if (broken !== 'bad-signature') return jws;
      // Same header and payload, the signature's last byte flipped.
      const dot = jws.lastIndexOf('.');
      const sig = jws.slice(dot + 1);
      const last = sig.at(-2) === 'A' ? 'B' : 'A';
      return `${jws.slice(0, dot + 1)}${sig.slice(0, -2)}${last}${sig.slice(-1)}`;
    },
    setStatus({ aaguid, status, effective }) {
      known(aaguid);
      if (!isAuthenticatorStatus(status)) throw new HarnessError('INVALID_INPUT', `unknown authenticator status ${JSON.stringify(status)}`);
      const effectiveDate = effective ?? isoDate(clock.now());
      if (!DATE.test(effectiveDate) || Number.isNaN(Date.parse(effectiveDate))) throw new HarnessError('INVALID_INPUT', 'effective date must be YYYY-MM-DD');
      const data = load();
      const report: StatusReport = { status, effectiveDate };
      data.reports[aaguid] = [...(data.reports[aaguid] ?? []), report];
      data.no += 1;
      state.write(data);
      return { aaguid, no: data.no, report };
    },
    serve(broken) {
      const data = load();
      data.serving = broken;
      state.write(data);
      return { serving: broken, no: data.no };
    },
    serving: () => load().serving,
    list() {
      const data = load();
      const today = isoDate(clock.now());
      return entries(data).map((e) => {
        const current = latestReport(e.statusReports, today);
        const profile = profiles.find((p) => p.aaguid === e.aaguid)!;
        return {
          aaguid: e.aaguid!,
          profile: profile.id,
          description: e.metadataStatement!.description,
          status: (current?.status as AuthenticatorStatus | undefined) ?? null,
          effectiveDate: current?.effectiveDate ?? null,
          timeOfLastStatusChange: e.timeOfLastStatusChange,
          reports: e.statusReports.length,
        };
      });
    },
    entry: (aaguid) => entries(load()).find((e) => e.aaguid === aaguid),
  };
}
