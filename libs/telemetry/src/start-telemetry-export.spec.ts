import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The OTLP exporters load Node's http module through a dynamic import, which Jest's sandbox
 * cannot run, so exporting is tested the way production runs it: in a plain Node process, on the
 * library transpiled to JavaScript.
 */
const SRC = __dirname;
const REPO_NODE_MODULES = resolve(__dirname, '../../../node_modules');
/** The Switchyard libraries telemetry imports at run time, resolved as installed packages. */
const IMPORTED_LIBRARIES = ['config'];

function transpileLibrary(src: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const output = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: file,
    });
    writeFileSync(join(outDir, file.replace(/\.ts$/, '.js')), output.outputText);
  }
}

const CHILD = `
const lib = require('./index.js');
const handle = lib.startTelemetry({ serviceName: 'switchyard-default' });
lib
  .withGenAiSpan({ provider: 'anthropic', request_model: 'claude-x', task: 'summarize' }, async () => ({
    text: 'ok',
    finish_reason: 'stop',
    usage: { input_tokens: 3, output_tokens: 1 },
    model_revision: 'claude-x-2025',
  }))
  .then(() => handle.shutdown())
  .then(() => process.stdout.write(JSON.stringify({ mode: handle.mode })));
`;

interface OtlpJson {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{
      spans: Array<{ name: string; kind: number; attributes: Array<{ key: string }> }>;
    }>;
  }>;
}

describe('startTelemetry in a real process', () => {
  let dir: string;
  let server: Server;
  const received: Array<{ url?: string; type?: string; body: string }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-telemetry-'));
    transpileLibrary(SRC, dir);
    for (const name of IMPORTED_LIBRARIES) {
      const src = resolve(__dirname, `../../${name}/src`);
      transpileLibrary(src, join(dir, 'node_modules', '@switchyard', name));
    }
    writeFileSync(join(dir, 'child.js'), CHILD);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ url: req.url, type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports spans as OTLP/JSON to OTEL_EXPORTER_OTLP_ENDPOINT, named by OTEL_SERVICE_NAME', async () => {
    const { port } = server.address() as AddressInfo;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_PATH: REPO_NODE_MODULES,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'switchyard-from-env',
    };
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done, fail) =>
      execFile(
        process.execPath,
        ['child.js'],
        { cwd: dir, env, timeout: 60_000 },
        (err, out, errOut) => (err ? fail(err) : done({ stdout: out, stderr: errOut })),
      ),
    );
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ mode: 'env' });

    const traces = received.filter((r) => r.url === '/v1/traces');
    expect(traces).toHaveLength(1);
    expect(traces[0].type).toContain('application/json');
    const payload = JSON.parse(traces[0].body) as OtlpJson;
    const [resourceSpans] = payload.resourceSpans;
    const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('switchyard-from-env');
    const spans = resourceSpans.scopeSpans.flatMap((s) => s.spans);
    expect(spans.map((s) => s.name)).toEqual(['chat claude-x']);
    // SpanKind.CLIENT is 3 in OTLP
    expect(spans[0].kind).toBe(3);
    expect(spans[0].attributes.map((a) => a.key)).toEqual(
      expect.arrayContaining(['gen_ai.provider.name', 'gen_ai.response.model', 'switchyard.task']),
    );
  }, 90_000);
});
