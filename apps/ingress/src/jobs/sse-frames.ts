import type { JobEventEntry } from '@switchyard/jobs';
import { ApiError } from '../http/api-error';

const STREAM_ENTRY_ID = /^\d+-\d+$/;

/** Where a listener resumes: after the entry its Last-Event-ID names, or from the start. */
export function parseLastEventId(header: string | undefined): string {
  if (header === undefined || header.trim() === '') return '0-0';
  const id = header.trim();
  if (!STREAM_ENTRY_ID.test(id))
    throw ApiError.field(
      'Last-Event-ID',
      'must be an event id this stream sent (such as 1733000000000-0)',
    );
  return id;
}

/** One SSE event: `id:` the stream entry id (absent for a synthesized end), `event:` its name. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseEntry(entry: JobEventEntry, data: unknown = entry.data): string {
  return sseEvent(entry.event, data, entry.id);
}

export const SSE_KEEP_ALIVE = ': keep-alive\n\n';
