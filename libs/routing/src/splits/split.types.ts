/** One arm of a weighted `primary`: the job's primary is drawn among the arms by weight. */
export interface SplitArm {
  /** "provider/model" */
  model: string;
  /** A positive number; arms share traffic in proportion to their weights */
  weight: number;
}
