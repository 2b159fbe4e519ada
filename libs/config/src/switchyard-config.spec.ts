import {
  ConfigError,
  apiKeyValues,
  loadConfig,
  loadReportClientSettings,
  traceContentEnabled,
} from './switchyard-config';

describe('console and report settings', () => {
  it('reads SWITCHYARD_TRACE_URL_TEMPLATE when it names {trace_id}, and refuses one that does not', () => {
    expect(loadConfig({}).traceUrlTemplate).toBeUndefined();
    expect(
      loadConfig({ SWITCHYARD_TRACE_URL_TEMPLATE: 'http://jaeger:16686/trace/{trace_id}' })
        .traceUrlTemplate,
    ).toBe('http://jaeger:16686/trace/{trace_id}');
    expect(() =>
      loadConfig({ SWITCHYARD_TRACE_URL_TEMPLATE: 'http://jaeger:16686/trace/' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ SWITCHYARD_TRACE_URL_TEMPLATE: 'javascript:{trace_id}' })).toThrow(
      /expected an http\(s\) URL containing \{trace_id\}/,
    );
  });

  it('gives npm run report the local stack and SWITCHYARD_API_KEY', () => {
    expect(loadReportClientSettings({ PORT: '3200', SWITCHYARD_API_KEY: 'k' })).toEqual({
      apiKey: 'k',
      localUrl: 'http://127.0.0.1:3200',
    });
    expect(loadReportClientSettings({})).toEqual({
      apiKey: undefined,
      localUrl: 'http://127.0.0.1:3000',
    });
  });
});

describe('evaluation settings', () => {
  it('reads the dataset directory from SWITCHYARD_EVALS_DIR, ./evals by default', () => {
    expect(loadConfig({}).evalsDir).toBe('./evals');
    expect(loadConfig({ SWITCHYARD_EVALS_DIR: '/data/evals' }).evalsDir).toBe('/data/evals');
  });
});

describe('process settings', () => {
  it('listens on HOST, every interface by default', () => {
    expect(loadConfig({}).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it("reads a worker's providers from SWITCHYARD_PROVIDER, comma-separated", () => {
    expect(loadConfig({}).workerProviders).toEqual([]);
    expect(loadConfig({ SWITCHYARD_PROVIDER: ' openai, groq,,' }).workerProviders).toEqual([
      'openai',
      'groq',
    ]);
  });

  it('records content on spans only with SWITCHYARD_TRACE_CONTENT=true', () => {
    expect(traceContentEnabled({})).toBe(false);
    expect(traceContentEnabled({ SWITCHYARD_TRACE_CONTENT: '1' })).toBe(false);
    expect(traceContentEnabled({ SWITCHYARD_TRACE_CONTENT: 'true' })).toBe(true);
  });

  it('lists the values of the *_API_KEY variables that are set', () => {
    expect(
      apiKeyValues({ OPENAI_API_KEY: 'sk-1', GROQ_API_KEY: '', API_KEYS: 'x', PORT: '1' }),
    ).toEqual(['sk-1']);
  });
});
