/** Longest piece: JSON answers have no spaces to split at. */
const MAX_PIECE_CHARS = 16;

/**
 * An answer cut into the pieces a model would stream: a word and the space after it, with long
 * words (and JSON) cut every 16 characters. The pieces concatenate to the text.
 */
export function streamPieces(text: string): string[] {
  const pieces: string[] = [];
  for (const word of text.match(/\S+\s*|\s+/g) ?? []) {
    for (let i = 0; i < word.length; i += MAX_PIECE_CHARS) {
      pieces.push(word.slice(i, i + MAX_PIECE_CHARS));
    }
  }
  return pieces;
}
