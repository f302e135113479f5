/** The parts of @playwright/test's JSON report the tests read. */
export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; skipped: number; flaky: number };
  errors: unknown[];
  suites: PlaywrightSuite[];
}
interface PlaywrightSuite {
  title: string;
  suites?: PlaywrightSuite[];
  specs?: { title: string; ok: boolean; tests: { results: { status: string; error?: { message?: string } }[] }[] }[];
}

/** The failing tests of a Playwright JSON report, with their first error line, for assertion messages. */
export function failures(report: PlaywrightReport): string {
  const out: string[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) {
      if (!spec.ok) out.push(`${spec.title}: ${spec.tests.flatMap((t) => t.results.map((r) => r.error?.message ?? r.status)).join(' | ').slice(0, 800)}`);
    }
    suite.suites?.forEach(walk);
  };
  report.suites.forEach(walk);
  return out.join('\n');
}
