import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideCall } from './call-decision';
import { sendWire } from './http-io';
import type { PendingCalls } from './pending-calls';
import type { ProviderRoute } from './provider-route';
import type { SimulatorState } from './simulator-state';
import { writeStream } from './stream-writer';
import type { SimRequest } from './wire/wire-format';
import { WireRequestError } from './wire/wire-request-error';

function modelHint(route: ProviderRoute, body: unknown): string {
  if (route.pathModel) return route.pathModel;
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' && model !== '' ? model : '-';
}

/** Answers one provider API call: auth, validation, faults, then the deterministic reply. */
export function handleProviderCall(
  state: SimulatorState,
  pending: PendingCalls,
  route: ProviderRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: string,
): void {
  const { wire, provider } = route;
  let body: unknown;
  try {
    body = rawBody === '' ? undefined : JSON.parse(rawBody);
  } catch {
    state.stats.record(provider, '-', 'bad_request');
    sendWire(res, wire.badRequest('We could not parse the JSON body of your request.'));
    return;
  }
  const model = modelHint(route, body);
  const credentials = wire.credentials(req.headers, url);
  state.requests.add({
    at: new Date().toISOString(),
    provider,
    api: wire.api,
    method: req.method ?? 'POST',
    path: url.pathname,
    model,
    auth: credentials?.header ?? null,
    headers: wire.loggedHeaders(req.headers),
    body,
  });
  if (!credentials) {
    state.stats.record(provider, model, 'unauthorized');
    sendWire(res, wire.missingKey());
    return;
  }

  let request: SimRequest;
  try {
    request = wire.parse(body, route.pathModel, req.headers);
    if (route.streamPath) request.stream = true;
  } catch (err) {
    if (!(err instanceof WireRequestError)) throw err;
    state.stats.record(provider, model, 'bad_request');
    sendWire(res, wire.badRequest(err.message));
    return;
  }

  const decision = decideCall(state, wire, provider, request, credentials.key);
  state.stats.record(provider, request.model, decision.outcome);
  const action = decision.action;
  switch (action.kind) {
    case 'hang':
      pending.hold(res);
      return;
    case 'reset':
      pending.delay(decision.delayMs, res, () => {
        if (!req.socket.destroyed) req.socket.resetAndDestroy();
      });
      return;
    case 'respond':
      pending.delay(decision.delayMs, res, () => sendWire(res, action.response));
      return;
    case 'stream':
      pending.delay(decision.delayMs, res, () =>
        writeStream(res, action.script, action.faults, pending),
      );
      return;
  }
}
