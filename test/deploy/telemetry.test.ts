/**
 * Observability: what reaches Application Insights is one correlated trace per API call, and never a credential.
 * The exporter is pointed at a local ingestion endpoint, so the test sees exactly what Azure would receive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '../../shared/platform/logging';
import { redactAttributes, redactText, startTelemetry, withCorrelation } from '../../shared/platform/telemetry';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

test('credentials are removed from URLs, headers and free text', () => {
  assert.equal(
    redactText('https://x.test/cb?code=4%2F0Ab&state=s1&scope=mail'),
    'https://x.test/cb?code=[redacted]&state=[redacted]&scope=mail',
  );
  assert.equal(redactText('GET /v1?access_token=abc&pageSize=5'), 'GET /v1?access_token=[redacted]&pageSize=5');
  assert.equal(redactText('sent Authorization: Bearer eyJhbGciOi.abc'), 'sent Authorization: Bearer [redacted]');
  assert.equal(redactText('link v1.eyJzdWdnZXN0aW9uIjoiYWJjIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ ok'), 'link [redacted] ok');
  const attributes = redactAttributes({
    'http.request.header.authorization': ['Bearer abc'],
    'url.full': 'https://graph.microsoft.com/v1.0/me/messages?$top=5&sig=xyz',
    'http.response.status_code': 200,
    'gen_ai.usage.input_tokens': 1200,
  });
  assert.deepEqual(attributes, {
    'http.request.header.authorization': '[redacted]',
    'url.full': 'https://graph.microsoft.com/v1.0/me/messages?$top=5&sig=[redacted]',
    'http.response.status_code': 200,
    'gen_ai.usage.input_tokens': 1200,
  });
});

test('log lines carry the correlation id and no secrets', () => {
  const lines: string[] = [];
  const sink = {
    log: (l: unknown) => lines.push(`info ${l}`),
    warn: (l: unknown) => lines.push(`warn ${l}`),
    error: (l: unknown) => lines.push(`error ${l}`),
  };
  const log = createLogger(sink, 'corr-42');
  log.info('token refreshed for https://oauth2.test/token?refresh_token=r1', {
    provider: 'google',
    refreshToken: 'r1',
  });
  log.error('call failed', new Error('401 for Bearer abc.def'));
  assert.equal(
    lines[0],
    'info [corr-42] token refreshed for https://oauth2.test/token?refresh_token=[redacted] {"provider":"google","refreshToken":"[redacted]"}',
  );
  assert.match(lines[1]!, /^error \[corr-42\] call failed \{"error":"Error","message":"401 for Bearer \[redacted\]"/);
  assert.match(lines[1]!, /"stack":"Error: 401 for Bearer \[redacted\]\\n +at /, 'the stack is kept, scrubbed');
  assert.ok(!lines.join('\n').includes('r1'));
});

test('without a connection string no telemetry SDK is loaded and correlation is a pass-through', async () => {
  assert.equal(await startTelemetry({}), false);
  assert.equal(await withCorrelation('c1', async () => 7), 7);
  const loaded = Object.keys(require.cache).filter((k) => k.includes('monitor-opentelemetry'));
  assert.deepEqual(loaded, []);
});

interface Envelope {
  name: string;
  tags: Record<string, string>;
  data: {
    baseType: string;
    baseData: { name?: string; url?: string; data?: string; target?: string; properties?: Record<string, string> };
  };
}

test('an API call, its outbound calls and their correlation id arrive as one trace, an activity joins its host trace, and no credentials', async () => {
  const bodies: string[] = [];
  // Application Insights ingestion is HTTPS only: serve it with the Cosmos-API server's self-signed localhost pair.
  const tls = join(root, 'node_modules/@vercel/cosmosdb-server');
  const ingestion = createServer(
    { cert: readFileSync(join(tls, 'cert.pem')), key: readFileSync(join(tls, 'key.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        bodies.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      });
    },
  );
  await new Promise<void>((r) => ingestion.listen(0, '127.0.0.1', () => r()));
  const port = (ingestion.address() as AddressInfo).port;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  const activityTraceId = '0af7651916cd43dd8448eb211c80319c';
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/telemetry-probe.ts')], {
      cwd: root,
      env: {
        ...process.env,
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:${port}/`,
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        // The probe's only TLS peer is the loopback ingestion endpoint above.
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        // No cloud resource detection (it would probe the Azure instance metadata endpoint).
        OTEL_NODE_RESOURCE_DETECTORS: 'none',
        PROBE_TRACEPARENT: `00-${traceId}-${callerSpanId}-01`,
        PROBE_ACTIVITY_TRACEPARENT: `00-${activityTraceId}-b7ad6b7169203331-01`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0, `probe failed:\n${output}`);
  } finally {
    ingestion.close();
  }

  const payload = bodies.join('\n');
  for (const secret of ['SECRET-ONE', 'SECRET-TWO', 'SECRET-THREE', 'SECRET-FOUR', 'c2lnbmF0dXJlLXNpZ25hdHVyZQ']) {
    assert.ok(!payload.includes(secret), `${secret} reached Application Insights`);
  }
  const envelopes = bodies.flatMap((b) =>
    b
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => [JSON.parse(l)].flat()),
  ) as Envelope[];
  if (process.env.DEBUG_TELEMETRY)
    console.log(
      JSON.stringify(
        envelopes.filter((e) => e.data.baseType !== 'MetricData'),
        null,
        1,
      ),
    );
  const requests = envelopes.filter(
    (e) => e.data.baseType === 'RequestData' && e.data.baseData.url?.includes('/api/approvals/'),
  );
  const dependencies = envelopes.filter((e) => e.data.baseType === 'RemoteDependencyData');
  assert.equal(
    requests.length,
    1,
    `one request span expected, got: ${envelopes.map((e) => e.data.baseType).join(', ')}`,
  );
  assert.equal(requests[0]!.tags['ai.operation.id'], traceId, "the request continues the caller's trace");
  assert.equal(requests[0]!.tags['ai.operation.parentId'], callerSpanId);
  assert.equal(requests[0]!.data.baseData.properties?.['app.correlation_id'], 'corr-telemetry-probe');
  // The provider saw the trace context too: connector and model calls continue the same trace on their side.
  const providerRequests = envelopes.filter(
    (e) => e.data.baseType === 'RequestData' && /\/v1\/(messages|files)/.test(e.data.baseData.url ?? ''),
  );
  assert.equal(providerRequests.length, 2);
  for (const r of providerRequests) assert.equal(r.tags['ai.operation.id'], traceId);
  const outbound = dependencies.filter((d) =>
    /\/v1\/(messages|files)/.test(d.data.baseData.data ?? d.data.baseData.name ?? ''),
  );
  assert.equal(outbound.length, 2, 'both outbound calls (fetch and node:http) are traced');
  for (const d of outbound) {
    assert.equal(d.tags['ai.operation.id'], traceId, 'outbound calls belong to the same trace');
    assert.equal(d.data.baseData.properties?.['app.correlation_id'], 'corr-telemetry-probe');
  }
  const fromActivity = dependencies.filter((d) => (d.data.baseData.data ?? '').includes('/v1/calendar'));
  assert.equal(fromActivity.length, 1, "the activity's outbound call is traced");
  assert.equal(
    fromActivity[0]!.tags['ai.operation.id'],
    activityTraceId,
    'an activity continues the trace the host handed over',
  );
  assert.equal(fromActivity[0]!.tags['ai.operation.parentId'], 'b7ad6b7169203331');
});
