import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSettings } from '../../shared/platform/config';
import { retryDelaySeconds } from '../../shared/api-access/webhook-delivery';

test('with the default settings a failing delivery is retried with exponential backoff for about a day', () => {
  const settings = loadSettings({});
  const waits = Array.from({ length: settings.WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) =>
    retryDelaySeconds(i + 1, settings.WEBHOOK_RETRY_FIRST_SECONDS),
  );
  assert.deepEqual(waits, [30, 120, 480, 1_920, 7_680, 30_720, 43_200]);
  const hours = waits.reduce((a, b) => a + b, 0) / 3600;
  assert.ok(hours > 20 && hours < 28, `last attempt after ${hours.toFixed(1)} h`);
});
