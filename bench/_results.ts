/**
 * The shape of `bench/results.json`.
 *
 * @module
 */

/** A goal of a row: `contestant`'s median, divided by the bound's, compared with `ratio`. */
export interface Goal {
  /** Who must meet it ("kubeweb"). */
  contestant: string;
  /** "<=" for costs (time, memory), ">=" for rates. */
  op: "<=" | ">=";
  /** The ratio to the bound. */
  ratio: number;
}

/** One measured row: every contestant's samples, medians and ratios to the bound. */
export interface Row {
  /** Stable id ("heap", "get-sequential"). */
  id: string;
  /** What is measured. */
  work: string;
  /** Unit of the samples. */
  unit: string;
  /** Whether lower or higher values are better. */
  better: "lower" | "higher";
  /** The contestant the others are divided by. */
  bound: string;
  /** Raw samples by contestant, in the order they were taken. */
  samples: Record<string, number[]>;
  /** Median of each contestant's samples. */
  medians: Record<string, number>;
  /** Each contestant's median divided by the bound's. */
  ratios: Record<string, number>;
  /** The goals of the row. */
  goals: Goal[];
  /** How to read the row. */
  note?: string;
}

/** The whole file. */
export interface BenchResults {
  /** When the run ended (ISO 8601). */
  date: string;
  /** Where it ran. */
  machine: {
    cpu: string;
    cores: number;
    memoryGB: number;
    os: string;
    runtime: string;
    loadAverageAtEnd: number[];
  };
  /** Interleaved rounds per row (after one warm-up round). */
  rounds: number;
  /** Rounds of the rows of short samples (warm sync, cold start, watch replay; small GETs too without `getRounds`), when they differ. */
  shortRounds?: number;
  /** Rounds of the small-GET rows, when they differ from the short rows'. */
  getRounds?: number;
  /** The fixed data set. */
  dataSet: string;
  /** How long the run took. */
  durationS: number;
  /** The rows. */
  rows: Row[];
}

/** Whether a row's goal is met. */
export function goalMet(row: Row, goal: Goal): boolean {
  const r = row.ratios[goal.contestant];
  return goal.op === "<=" ? r <= goal.ratio : r >= goal.ratio;
}
