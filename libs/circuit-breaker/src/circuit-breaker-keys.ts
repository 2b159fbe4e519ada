/**
 * Redis keys of one circuit. The braces make both keys of a circuit share a cluster hash slot
 * (the record script touches both), and the distinct suffixes keep any two circuit keys from
 * colliding even when a key contains ':' or '}'.
 */
export interface CircuitKeys {
  state: string;
  window: string;
}

export function circuitKeys(prefix: string, key: string): CircuitKeys {
  const base = `${prefix}:cb:{${key}}`;
  return { state: `${base}:state`, window: `${base}:win` };
}
