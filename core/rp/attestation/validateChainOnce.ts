import { X509Certificate } from 'node:crypto';
import { validateCertificatePath } from '@simplewebauthn/server/helpers';
import { setBounded } from '../../boundedMap.js';

interface ValidChain {
  /** The window in which every certificate of the chain and every root is valid (ms). */
  from: number;
  to: number;
}

/** DER of the OID 2.5.29.31 (cRLDistributionPoints): the library fetches and checks those CRLs on every walk. */
const CRL_DISTRIBUTION_POINTS = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x1f]);

/** Chains this process already walked to these roots; only successes, bounded, oldest first out. */
const validChains = new Map<string, ValidChain>();
const VALID_CHAINS_MAX = 64;

/**
 * `validateCertificatePath` (@simplewebauthn/server) remembered per (chain, roots): a scenario world
 * opens its own RP over the same MDS BLOB and attestation chains, and the walk (X.509 parsing,
 * signature checks) was ≈ 15 % of a scenario. A remembered chain is used only while now is inside
 * every certificate's (and every root's) validity window, which is what the walk checked besides
 * the signatures. A chain with a CRL distribution point is never remembered (its revocation is
 * checked on every walk), and a refused chain is walked again every time and throws what the
 * library threw.
 */
export async function validateChainOnce(chainPem: readonly string[], rootsPem: readonly string[]): Promise<void> {
  const key = JSON.stringify([chainPem, rootsPem]);
  const now = Date.now();
  const known = validChains.get(key);
  if (known && known.from <= now && now <= known.to) return;
  await validateCertificatePath([...chainPem], [...rootsPem]);
  let from = -Infinity;
  let to = Infinity;
  try {
    for (const pem of [...chainPem, ...rootsPem]) {
      const cert = new X509Certificate(pem);
      if (cert.raw.includes(CRL_DISTRIBUTION_POINTS)) return;
      from = Math.max(from, Date.parse(cert.validFrom));
      to = Math.min(to, Date.parse(cert.validTo));
    }
  } catch {
    return; // valid, but not remembered
  }
  if (!(from <= now && now <= to)) return;
  setBounded(validChains, key, { from, to }, VALID_CHAINS_MAX);
}
