import type { FinishReasonTable } from '../shared/completion-result';

/** Chat Completions finish reasons in Switchyard's terms (`function_call` is the legacy name). */
export const FINISH_REASONS: FinishReasonTable = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};
