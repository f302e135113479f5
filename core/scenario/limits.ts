/**
 * Bounds of a run's `repeat` and `concurrency`, the same as the harness channel's: every run is held
 * in memory until the report, and every lane may be a worker thread with its own copy of the core.
 * A module of its own so the CLI checks its flags without loading the runner.
 */
export const MAX_REPEAT = 1000;
export const MAX_CONCURRENCY = 64;
