import type { FinishReasonTable } from '../shared/completion-result';

/** Messages API stop reasons in Switchyard's terms. */
export const FINISH_REASONS: FinishReasonTable = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // The window filled up mid-answer: the output was cut short, like a max_tokens stop.
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
};
