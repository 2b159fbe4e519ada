import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An OTLP attribute value as decoded from JSON: strings, numbers, booleans and arrays of them. */
export type OtlpValue =
  string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };

/** One span as an OTLP/HTTP JSON exporter sent it, flattened with its resource. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  attributes: Record<string, OtlpValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error */
  statusCode: number;
  statusMessage?: string;
  scope: string;
  /** Resource attributes of the process that exported the span (service.name, process.pid, …) */
  resource: Record<string, OtlpValue>;
  serviceName: string;
}

interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
}

interface JsonSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  attributes?: JsonKeyValue[];
  status?: { code?: number; message?: string };
}

interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: JsonSpan[] }>;
  }>;
}

function decodeValue(v: JsonAnyValue | undefined): OtlpValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeValue);
  if (v.kvlistValue) return decodeAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function decodeAttributes(list: JsonKeyValue[] | undefined): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of list ?? []) out[kv.key] = decodeValue(kv.value);
  return out;
}

/** OTLP JSON ids are hex by the spec; some exporters send base64. Both come out as lowercase hex. */
function decodeId(id: string | undefined, hexLength: number): string {
  if (!id) return '';
  if (new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(id)) return id.toLowerCase();
  const bytes = Buffer.from(id, 'base64');
  return bytes.length * 2 === hexLength ? bytes.toString('hex') : id;
}

/**
 * A minimal OTLP/HTTP collector for tests: accepts `POST /v1/traces` with
 * `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` (gzip or plain) on 127.0.0.1:<random port> and keeps every
 * span it is sent. Point processes at it with `OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url`.
 */
export class OtlpTraceReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Requests it could not decode (wrong path, protobuf, bad JSON), for a test's failure message */
  readonly rejected: string[] = [];
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      void this.read(req).then(
        (body) => {
          if (req.method !== 'POST' || req.url !== '/v1/traces') {
            this.rejected.push(`${req.method} ${req.url}`);
            res.writeHead(404).end();
            return;
          }
          try {
            this.ingest(JSON.parse(body) as ExportTraceServiceRequest);
          } catch (err) {
            this.rejected.push(`${req.headers['content-type']}: ${(err as Error).message}`);
            res.writeHead(400).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        },
        (err: Error) => {
          this.rejected.push(err.message);
          res.writeHead(400).end();
        },
      );
    });
  }

  static async start(): Promise<OtlpTraceReceiver> {
    const receiver = new OtlpTraceReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Environment that makes a process export its spans here as OTLP/HTTP JSON, promptly. */
  exporterEnv(scheduleDelayMs = 200): Record<string, string> {
    return {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: this.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: String(scheduleDelayMs),
    };
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  /** Polls until `done(spans of the trace)` holds; the error lists what did arrive. */
  async waitForTrace(
    traceId: string,
    done: (spans: ReceivedSpan[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const spans = this.trace(traceId);
      if (done(spans)) return spans;
      await new Promise((r) => setTimeout(r, 100));
    }
    const got = this.trace(traceId).map((s) => `${s.serviceName}: ${s.name}`);
    throw new Error(
      `trace ${traceId} incomplete after ${timeoutMs} ms; got ${JSON.stringify(got)}` +
        (this.rejected.length ? `; rejected: ${this.rejected.join(' | ')}` : ''),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private read(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', reject);
      req.on('end', () => {
        try {
          const raw = Buffer.concat(chunks);
          const gzip = req.headers['content-encoding'] === 'gzip';
          resolve((gzip ? gunzipSync(raw) : raw).toString('utf8'));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  private ingest(request: ExportTraceServiceRequest): void {
    for (const rs of request.resourceSpans ?? []) {
      const resource = decodeAttributes(rs.resource?.attributes);
      const serviceName = String(resource['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          this.spans.push({
            traceId: decodeId(span.traceId, 32),
            spanId: decodeId(span.spanId, 16),
            parentSpanId: decodeId(span.parentSpanId, 16),
            name: span.name ?? '',
            kind: span.kind ?? 0,
            attributes: decodeAttributes(span.attributes),
            statusCode: span.status?.code ?? 0,
            statusMessage: span.status?.message,
            scope: ss.scope?.name ?? '',
            resource,
            serviceName,
          });
        }
      }
    }
  }
}
