/** A scenario file or admin payload that does not describe valid faults or replies. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}
