import type { CandidateOutput } from './eval.types';

/**
 * Openings of a refusal in the phrasings models use. Only the start of the answer is read: a
 * real answer that later says "I can't be sure" is not a refusal.
 */
const REFUSAL_PHRASES = [
  /\bI(?:'m| am) (?:sorry|afraid),? (?:but )?I (?:can(?:no|')t|won't|will not|am (?:not )?(?:able|unable))/i,
  /\bI can(?:no|')t (?:help|assist|comply|provide|do that|answer|fulfil|support|share|create|generate)/i,
  /\bI(?:'m| am) (?:not able|unable) to (?:help|assist|comply|provide|answer|fulfil|do that)/i,
  /\bI (?:won't|will not|must decline|have to decline|must refuse)\b/i,
  /\bI(?:'m| am) not (?:allowed|permitted) to\b/i,
  /\bas an AI(?: language model)?,? I (?:can(?:no|')t|am not able|won't)/i,
];

const REFUSAL_WINDOW_CHARS = 240;

/** The error type a job fails with when the provider's content filter stopped the answer. */
export const CONTENT_FILTERED_ERROR = 'content_filtered';

/** The answer is a refusal: the provider's content filter stopped it, or it opens like one. */
export function isRefusal(
  output: Pick<CandidateOutput, 'text' | 'finishReason' | 'errorType'>,
): boolean {
  if (output.finishReason === 'content_filter' || output.errorType === CONTENT_FILTERED_ERROR) {
    return true;
  }
  const opening = output.text.trimStart().slice(0, REFUSAL_WINDOW_CHARS);
  return REFUSAL_PHRASES.some((phrase) => phrase.test(opening));
}
