import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
  /** Measuring window after warm-up (ms). */
  durationMs?: number;
  warmupMs?: number;
}

/** Operations per second of `fn`, run back to back (awaited when it returns a promise). */
export async function opsPerSecond(fn: () => unknown, options: MeasureOptions = {}): Promise<number> {
  const { durationMs = 700, warmupMs = 150 } = options;
  const loop = async (ms: number) => {
    const start = performance.now();
    let count = 0;
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 16; i++) {
        const result = fn();
        if (result instanceof Promise) await result;
      }
      count += 16;
      now = performance.now();
    }
    return (count * 1000) / (now - start);
  };
  await loop(warmupMs);
  return loop(durationMs);
}

/**
 * Measures several functions in alternating rounds and keeps each one's best round, so a noisy
 * neighbour on a shared CPU skews all of them alike instead of whichever ran during the burst.
 */
export async function compareOpsPerSecond(fns: readonly (() => unknown)[], options: MeasureOptions & { rounds?: number } = {}): Promise<number[]> {
  const { rounds = 3, durationMs = 300, warmupMs = 100 } = options;
  const best = fns.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < fns.length; i++) {
      const rate = await opsPerSecond(fns[i]!, { durationMs, warmupMs: round === 0 ? warmupMs : 0 });
      best[i] = Math.max(best[i]!, rate);
    }
  }
  return best;
}
