import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-io';
import { ScenarioError } from './scenario-error';
import { parseFaultRule, parseFaultRules, parseScenario } from './scenario-validation';
import type { SimulatorState } from './simulator-state';

function jsonBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ScenarioError('request body is not valid JSON');
  }
}

function optionalParam(url: URL, name: string): string | undefined {
  return url.searchParams.get(name) ?? undefined;
}

/**
 * The admin API: faults, scenario, stats and the request log. Returns false when the path is not
 * an admin route, so the caller can answer 404.
 */
export function handleAdmin(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: string,
): boolean {
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /healthz':
        sendJson(res, 200, { status: 'ok' });
        return true;
      case 'GET /admin/faults':
        sendJson(res, 200, { faults: state.faults.list() });
        return true;
      case 'PUT /admin/faults':
        state.faults.replace(parseFaultRules(jsonBody(rawBody)));
        state.counter.reset();
        sendJson(res, 200, { faults: state.faults.list() });
        return true;
      case 'POST /admin/faults':
        state.faults.upsert(parseFaultRule(jsonBody(rawBody)));
        sendJson(res, 200, { faults: state.faults.list() });
        return true;
      case 'DELETE /admin/faults': {
        const removed = state.faults.remove({
          provider: optionalParam(url, 'provider'),
          model: optionalParam(url, 'model'),
        });
        if (state.faults.list().length === 0) state.counter.reset();
        sendJson(res, 200, { removed, faults: state.faults.list() });
        return true;
      }
      case 'GET /admin/scenario':
        sendJson(res, 200, state.scenario());
        return true;
      case 'PUT /admin/scenario':
        state.load(parseScenario(jsonBody(rawBody)));
        sendJson(res, 200, state.scenario());
        return true;
      case 'GET /admin/stats':
        sendJson(res, 200, state.stats.snapshot());
        return true;
      case 'POST /admin/stats/reset':
        state.stats.reset();
        sendJson(res, 200, state.stats.snapshot());
        return true;
      case 'GET /admin/requests': {
        const limit = Number(url.searchParams.get('limit') ?? '25');
        const requests = state.requests.list(
          optionalParam(url, 'provider'),
          Number.isFinite(limit) && limit > 0 ? limit : 25,
        );
        sendJson(res, 200, { requests });
        return true;
      }
      case 'DELETE /admin/requests':
        state.requests.clear();
        sendJson(res, 200, { requests: [] });
        return true;
      case 'POST /admin/reset':
        state.reset();
        sendJson(res, 200, state.scenario());
        return true;
      default:
        return false;
    }
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    sendJson(res, 400, { error: { message: err.message } });
    return true;
  }
}
