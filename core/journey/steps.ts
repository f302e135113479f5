/**
 * One screen of the seed flow (DESIGN §1) as the journey reports it: the harness's `enroll` /
 * `login` channels return these so the CLI and the console can show what happened, step by step.
 */
export interface FlowStep {
  step: string;
  title: string;
  detail: string;
  skipped?: boolean;
}
