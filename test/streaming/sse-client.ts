/** One Server-Sent Event as a listener sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseCapture {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  /** Comment lines (`: keep-alive`). */
  comments: string[];
}

/** Reads a text/event-stream response to its end (the server closes it after the terminal event). */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 30_000,
): Promise<SseCapture> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const capture: SseCapture = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events: [],
    comments: [],
  };
  const text = await res.text();
  if (res.status !== 200) {
    capture.events.push({ event: 'http_error', data: JSON.parse(text) });
    return capture;
  }
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const event: Partial<SseEvent> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) capture.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
    }
    if (event.event) capture.events.push(event as SseEvent);
  }
  return capture;
}

/** The text the last attempt streamed: a listener discards what came before each attempt.started. */
export function lastAttemptText(events: SseEvent[]): string {
  const start = events.map((e) => e.event).lastIndexOf('attempt.started');
  return events
    .slice(start + 1)
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text as string)
    .join('');
}
