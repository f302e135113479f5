/** One block of the bench report. Each file in sections/ exports `run(): Promise<Section>`. */
export interface Section {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table (targets, verdicts, caveats). */
  notes?: string[];
}

export type SectionRunner = () => Promise<Section>;
