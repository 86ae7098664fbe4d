import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLinkSigner } from '../../shared/suggestions/link-signer';
import { holdsSecret, scrubDeep, scrubSecrets } from '../../shared/platform/secret-shapes';

const signer = createLinkSigner(randomBytes(32));
const expiresAt = Math.floor(Date.now() / 1000) + 3600;
const approve = signer.sign({
  purpose: 'decide',
  tenantId: 't-1',
  suggestionId: 's-1',
  decision: 'approve',
  epoch: 0,
  expiresAt,
});
const unsubscribe = signer.sign({ purpose: 'unsubscribe', tenantId: 't-1', expiresAt });

test('link tokens, their URLs, OAuth states and JWTs are removed wherever they appear', () => {
  const mail = [
    `Approve: https://agents.example/api/approvals/${approve}`,
    `Unsubscribe: <http://localhost:7071/api/notifications/unsubscribe/${unsubscribe}>`,
    `Bare token (${approve}) and ${unsubscribe}.`,
    `state=abcdefghijklmnopqrstuv.1790000000.google.${'A'.repeat(43)}`,
    `Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjF9.${'s'.repeat(40)}`,
  ].join('\n');
  const scrubbed = scrubSecrets(mail);
  assert.ok(!scrubbed.includes(approve) && !scrubbed.includes(unsubscribe), scrubbed);
  assert.doesNotMatch(scrubbed, /\/api\/approvals\/|unsubscribe\/v1|eyJ|\.google\.A/);
  assert.match(scrubbed, /Approve: \[link removed\]/);
  assert.ok(holdsSecret(mail));
  const nested = scrubDeep({ items: [{ subject: 'Hi', text: mail, n: 3 }] });
  assert.equal(nested.items[0]!.n, 3);
  assert.ok(!JSON.stringify(nested).includes(approve));
});

test('ordinary text is left as it was', () => {
  const text =
    'Version v1.2.3 ships Friday; see https://example.com/docs?page=2 or mail ada@example.com. IBAN DE89 3704 0044 0532 0130 00.';
  assert.equal(scrubSecrets(text), text);
  assert.equal(holdsSecret(text), false);
});
