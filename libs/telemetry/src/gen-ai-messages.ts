import type { ChatMessage, ContentPart, FinishReason } from '@switchyard/providers';

/** Message parts in the shape of the GenAI conventions' input/output message schemas. */
type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'uri'; modality: 'image'; uri: string }
  | { type: 'blob'; modality: 'image'; mime_type: string; content: string };

function toPart(part: ContentPart): GenAiPart {
  if (part.type === 'text') return { type: 'text', content: part.text };
  if ('url' in part) return { type: 'uri', modality: 'image', uri: part.url };
  // Inline image bytes would blow span size limits and say nothing useful in a trace viewer.
  return {
    type: 'blob',
    modality: 'image',
    mime_type: part.mime_type,
    content: `[${part.data.length} base64 chars omitted]`,
  };
}

/** JSON for gen_ai.input.messages */
export function genAiInputMessages(messages: readonly ChatMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      role: m.role,
      parts:
        typeof m.content === 'string'
          ? [{ type: 'text', content: m.content }]
          : m.content.map(toPart),
    })),
  );
}

/** JSON for gen_ai.output.messages */
export function genAiOutputMessages(text: string, finishReason: FinishReason): string {
  return JSON.stringify([
    { role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finishReason },
  ]);
}
