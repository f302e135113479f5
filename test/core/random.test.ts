import { describe, expect, it } from 'vitest';
import { seededRandom, systemRandom } from '../../core/random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('systemRandom (pooled OS CSPRNG)', () => {
  it('returns exactly the requested length, across pool refills and past the pooled size', () => {
    for (const n of [0, 1, 16, 32, 1024, 1025, 5000]) expect(systemRandom.bytes(n)).toHaveLength(n);
  });

  it('never hands out the same bytes twice, including across a pool refill', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) seen.add(hex(systemRandom.bytes(16))); // 9.6 KB: more than two pools
    expect(seen.size).toBe(600);
  });

  it('returns bytes in their own buffer, so no caller can reach other tokens through .buffer', () => {
    const a = systemRandom.bytes(32);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(32);
  });
});

describe('seededRandom', () => {
  it('replays byte for byte from the same seed, however the reads are split', () => {
    const one = seededRandom('seed');
    const two = seededRandom('seed');
    const whole = one.bytes(100);
    const parts = new Uint8Array([...two.bytes(7), ...two.bytes(50), ...two.bytes(43)]);
    expect(hex(parts)).toBe(hex(whole));
    expect(hex(seededRandom('other').bytes(100))).not.toBe(hex(whole));
  });
});
