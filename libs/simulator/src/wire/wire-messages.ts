/** The text the model would read in one message or part, and how many images came with it. */
export interface ReadText {
  text: string;
  images: number;
}

/** One input message as read by its wire: its text, its images, and whether the user wrote it. */
export interface ReadMessage extends ReadText {
  fromUser: boolean;
}

/** What a request's messages add up to, the same for every wire. */
export interface MessagesTally {
  inputChars: number;
  imageCount: number;
  /** The simulator answers the last user turn. */
  lastUserText: string;
}

/** The wire reads each message in its own words; the adding up is common to all of them. */
export function tallyMessages(
  messages: readonly unknown[],
  read: (message: unknown, index: number) => ReadMessage,
): MessagesTally {
  const tally: MessagesTally = { inputChars: 0, imageCount: 0, lastUserText: '' };
  messages.forEach((message, i) => {
    const { text, images, fromUser } = read(message, i);
    tally.inputChars += text.length;
    tally.imageCount += images;
    if (fromUser) tally.lastUserText = text;
  });
  return tally;
}

/**
 * Parts joined a line apart, skipping empty texts, as the Anthropic and Gemini readers count them.
 * The OpenAI reader keeps empty texts (a blank line each), so it does not use this.
 */
export function joinParts(
  parts: readonly unknown[],
  read: (part: unknown, index: number) => ReadText,
): ReadText {
  const texts: string[] = [];
  let images = 0;
  parts.forEach((part, i) => {
    const result = read(part, i);
    if (result.text) texts.push(result.text);
    images += result.images;
  });
  return { text: texts.join('\n'), images };
}
