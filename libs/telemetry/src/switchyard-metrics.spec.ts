import { SwitchyardMetrics } from './switchyard-metrics';

describe('SwitchyardMetrics', () => {
  it('exposes every series after increments', async () => {
    const m = new SwitchyardMetrics();
    m.jobFinished('summarize', 'succeeded');
    m.providerCall({
      provider: 'openai',
      model: 'openai/gpt-4o-mini',
      outcome: 'success',
      duration_ms: 1500,
      task: 'summarize',
      input_tokens: 100,
      output_tokens: 20,
      cost_usd: 0.25,
    });
    m.providerCall({
      provider: 'groq',
      model: 'groq/llama',
      outcome: 'timeout',
      duration_ms: 30000,
    });
    m.setCircuitState('groq/llama', 'open');
    m.setCircuitState('openai/gpt-4o-mini', 'half_open');
    m.setBudgetSpent('summarize', 12.5, 'acme');
    m.ledgerWriteFailed(3);
    m.webhookDelivery('delivered');
    m.budgetAlert('summarize');
    m.tenantBudgetAlert('acme');
    m.regressionDetected('summarize', 'openai/gpt-4o-mini');
    m.regressionCheck('ok');
    m.regressionCheck('ok');
    m.setQueueDepthCollector(async () => [
      { queue: 'provider.openai', state: 'wait', count: 7 },
      { queue: 'provider.openai', state: 'active', count: 2 },
    ]);

    const text = await m.metrics();
    const expected = [
      'switchyard_jobs_total{task="summarize",status="succeeded"} 1',
      'switchyard_provider_calls_total{provider="openai",model="openai/gpt-4o-mini",outcome="success"} 1',
      'switchyard_provider_calls_total{provider="groq",model="groq/llama",outcome="timeout"} 1',
      'switchyard_provider_call_duration_seconds_bucket{le="2",provider="openai",model="openai/gpt-4o-mini"} 1',
      'switchyard_provider_call_duration_seconds_bucket{le="1",provider="openai",model="openai/gpt-4o-mini"} 0',
      'switchyard_provider_call_duration_seconds_sum{provider="groq",model="groq/llama"} 30',
      'switchyard_cost_usd_total{task="summarize",provider="openai",model="openai/gpt-4o-mini"} 0.25',
      'switchyard_tokens_total{provider="openai",model="openai/gpt-4o-mini",type="input"} 100',
      'switchyard_tokens_total{provider="openai",model="openai/gpt-4o-mini",type="output"} 20',
      'switchyard_queue_depth{queue="provider.openai",state="wait"} 7',
      'switchyard_queue_depth{queue="provider.openai",state="active"} 2',
      'switchyard_circuit_state{provider_model="groq/llama"} 2',
      'switchyard_circuit_state{provider_model="openai/gpt-4o-mini"} 1',
      'switchyard_budget_spent_usd{task="summarize",tenant="acme"} 12.5',
      'switchyard_ledger_write_failures_total 3',
      'switchyard_webhook_deliveries_total{outcome="delivered"} 1',
      'switchyard_budget_alerts_total{task="summarize"} 1',
      'switchyard_tenant_budget_alerts_total{tenant="acme"} 1',
      'switchyard_regressions_detected_total{task="summarize",model="openai/gpt-4o-mini"} 1',
      'switchyard_regression_checks_total{outcome="ok"} 2',
    ];
    for (const line of expected) expect(text.split('\n')).toContain(line);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it('samples queue depth at scrape time and drops stale samples', async () => {
    const m = new SwitchyardMetrics({ defaultMetrics: false });
    let depth = 5;
    m.setQueueDepthCollector(async () => [{ queue: 'route', state: 'wait', count: depth }]);
    expect(await m.metrics()).toContain('switchyard_queue_depth{queue="route",state="wait"} 5');
    depth = 9;
    expect(await m.metrics()).toContain('switchyard_queue_depth{queue="route",state="wait"} 9');
  });

  it('answers without queue depth when the collector fails', async () => {
    const errors: unknown[] = [];
    const m = new SwitchyardMetrics({
      defaultMetrics: false,
      onCollectError: (err) => errors.push(err),
    });
    m.setQueueDepthCollector(async () => [{ queue: 'route', state: 'wait', count: 1 }]);
    await m.metrics();
    m.setQueueDepthCollector(async () => {
      throw new Error('redis down');
    });
    const text = await m.metrics();
    expect(text).not.toContain('switchyard_queue_depth{');
    expect(errors).toHaveLength(1);
    m.jobFinished('t', 'failed');
    expect(await m.metrics()).toContain('switchyard_jobs_total{task="t",status="failed"} 1');
  });

  it('keeps registries separate per instance', async () => {
    const a = new SwitchyardMetrics({ defaultMetrics: false });
    const b = new SwitchyardMetrics({ defaultMetrics: false });
    a.budgetAlert('x');
    expect(await b.metrics()).not.toContain('switchyard_budget_alerts_total{task="x"}');
  });
});
