/**
 * `map.set` that keeps at most `max` entries: the oldest inserted leaves first. For the process-local
 * caches of values that are expensive to make again (imported keys, walked chains, seeded RSA keys).
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
