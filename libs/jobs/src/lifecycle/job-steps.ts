/**
 * The steps that may end a job, as `finalized_by` names them: the one that wins the terminal
 * transition is recorded, so a re-run of the same step (after a crash) knows the end is its own
 * and sends the follow-ups again (JobFinalizer.announceAgain).
 */
export const JobStep = {
  /** The worker running hop `hop` (its answer, or a failure that does not fall back) */
  worker: (hop: number): string => `h${hop}`,
  /** The router's decision after hop `hop` failed */
  router: (hop: number): string => `route-h${hop}`,
  deadlineSweeper: 'deadline-sweeper',
  /** The ingress, answering from the response cache */
  cache: 'cache',
  /** A client's DELETE */
  cancel: 'cancel',
} as const;
