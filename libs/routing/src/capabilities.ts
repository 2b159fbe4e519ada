/** What a model can do; tasks and rules require them, the planner skips models lacking one. */
export const CAPABILITIES = [
  'text',
  'vision',
  'json_schema',
  'tools',
  'long_context',
  'citations',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
