#!/usr/bin/env node
/**
 * Container health probe for the Switchyard image (Docker HEALTHCHECK and compose healthchecks).
 * Slim Node images have no curl or wget, so this asks with Node itself.
 *
 * Probes HEALTHCHECK_URL when set (the provider simulator sets http://127.0.0.1:4010/healthz),
 * otherwise http://127.0.0.1:$PORT/healthz with PORT defaulting to 3000 as in the apps.
 * Exits 0 on a 2xx answer, 1 on anything else (other status, refused connection, timeout).
 */
'use strict';

const http = require('node:http');

const port = process.env.PORT || '3000';
const url = process.env.HEALTHCHECK_URL || `http://127.0.0.1:${port}/healthz`;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

function fail(reason) {
  console.error(`healthcheck: ${url}: ${reason}`);
  process.exit(1);
}

const request = http.get(url, { timeout: timeoutMs }, (response) => {
  const status = response.statusCode || 0;
  response.resume();
  if (status >= 200 && status < 300) process.exit(0);
  fail(`HTTP ${status}`);
});
request.on('timeout', () => {
  request.destroy();
  fail(`no answer within ${timeoutMs} ms`);
});
request.on('error', (error) => fail(error.message));
