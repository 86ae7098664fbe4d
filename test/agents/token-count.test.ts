/**
 * Counting a prompt's tokens (what a model request reserves against the limits) leaves the caller's thread free: the
 * tokenizer's tables take seconds of work to build, and built on the host's thread they stopped every request
 * meanwhile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { countPromptTokens } from '../../shared/ai/token-count';

test('prompt tokens are counted as OpenAI counts them, with the tokenizer built off the calling thread', async () => {
  const idleBefore = performance.eventLoopUtilization();
  // o200k: "Hello world" is 2 tokens, "Thanks!" 2; each message adds 3 + 1 and the answer 3.
  const counted = await countPromptTokens([
    { role: 'system', content: 'Hello world' },
    { role: 'user', content: 'Thanks!' },
  ]);
  // The first count waits for the tables to be built; this thread's event loop stays idle meanwhile (busy most of the
  // time when the tables were built here, whatever the machine's load).
  const { utilization, active, idle } = performance.eventLoopUtilization(idleBefore);
  assert.equal(counted, 3 + (3 + 2 + 1) + (3 + 2 + 1));
  assert.ok(utilization < 0.5, `this thread was busy ${active.toFixed(0)} ms and idle ${idle.toFixed(0)} ms`);

  assert.equal(await countPromptTokens([{ role: 'user', content: '' }]), 3 + 3 + 0 + 1);
  assert.ok((await countPromptTokens([{ role: 'user', content: 'Grüße aus Köln 😀 — 東京' }])) > 3 + 3 + 1);
});
