import type { FinishReasonTable } from '../shared/completion-result';

/** Finish reasons meaning the answer was withheld for policy reasons. */
export const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** Gemini finish reasons in Switchyard's terms. */
export const FINISH_REASONS: FinishReasonTable = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
};
