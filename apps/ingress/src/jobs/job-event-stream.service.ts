import { blockingDuplicate } from '@switchyard/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  JobEventLog,
  JobStore,
  TERMINAL_EVENT_NAMES,
  isTerminal,
  terminalEventFor,
  type JobEventEntry,
} from '@switchyard/jobs';
import { REDIS_CONSUMER, SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { JobQueryService } from './job-query.service';
import { SSE_KEEP_ALIVE, parseLastEventId, sseEntry, sseEvent } from './sse-frames';

const BATCH = 500;

/**
 * GET /v1/jobs/:id/events: replays the job's event stream from the start (or after
 * Last-Event-ID) and follows it until the terminal event, which carries the job view. Following
 * blocks (XREAD BLOCK) on a connection of the listener's own, never on the request path's.
 */
@Injectable()
export class JobEventStreamService {
  private readonly logger = new Logger('JobEvents');

  constructor(
    private readonly jobs: JobStore,
    private readonly events: JobEventLog,
    private readonly queries: JobQueryService,
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** Errors (404, a bad Last-Event-ID) are thrown before anything is written. */
  async stream(
    tenant: string,
    id: string,
    lastEventId: string | undefined,
    req: IncomingMessage,
    reply: FastifyReply,
  ): Promise<void> {
    let after = parseLastEventId(lastEventId);
    const view = await this.queries.view(tenant, id);
    // From here the stream writes Node's response itself.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (entry: JobEventEntry, data?: unknown) => {
      res.write(sseEntry(entry, data));
      after = entry.id;
    };
    const end = async (entry?: JobEventEntry) => {
      const finished = await this.queries.view(tenant, id);
      res.end(
        entry ? sseEntry(entry, finished) : sseEvent(terminalEventFor(finished.status), finished),
      );
    };
    /** Sends what is there now; true when that included the end. */
    const drain = async (): Promise<boolean> => {
      for (;;) {
        const batch = await this.events.range(id, after, BATCH);
        for (const entry of batch) {
          if (TERMINAL_EVENT_NAMES.includes(entry.event)) {
            await end(entry);
            return true;
          }
          send(entry);
        }
        if (batch.length < BATCH) return false;
      }
    };

    if (isTerminal(view.status)) {
      // A finished job answers at once; a stream that expired or was trimmed still gets its end.
      if (!(await drain())) await end();
      return;
    }

    const listener = blockingDuplicate(this.redis);
    let closed = false;
    req.on('close', () => {
      closed = true;
      listener.disconnect();
    });
    try {
      while (!closed) {
        const batch = await this.events.follow(
          listener,
          id,
          after,
          BATCH,
          this.config.eventsKeepAliveMs,
        );
        if (batch.length === 0) {
          res.write(SSE_KEEP_ALIVE);
          // The job may be gone (expired) or have ended without an entry we can still read.
          const job = await this.jobs.get(id);
          if (!job) return void res.end();
          if (isTerminal(job.status) && !(await drain())) return void (await end());
          continue;
        }
        for (const entry of batch) {
          if (TERMINAL_EVENT_NAMES.includes(entry.event)) return void (await end(entry));
          send(entry);
        }
      }
    } catch (err) {
      if (!closed) this.logger.warn(`job ${id}: event stream: ${(err as Error).message}`);
    } finally {
      listener.disconnect();
      if (!res.writableEnded) res.end();
    }
  }
}
