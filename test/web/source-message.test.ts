/**
 * Judging a draft beside the mail it answers, in Chromium against the local platform and the Gmail emulator: the
 * list row names the sender, the draft's first words and the agent; the dialog shows the original mail (sender,
 * subject, body as plain text, long bodies folded, a link into Gmail) beside the draft on a desktop and above it on a
 * 390px phone without sideways scrolling; a deleted message is said so in words; a label suggestion lists its
 * messages. Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { messageSource } from '../../shared/catalog/templates/rules';
import type { MailMessage, MailProvider } from '../../shared/connectors/types';
import type { Proposal } from '../../shared/suggestions/kinds';
import { browserUnavailable, launchBrowser, screenshot, seriousViolations, signedInPage } from '../support/browser';
import { consent, deliverMail, storedTokens } from '../support/connectors';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { origin, taskProposal } from '../support/suggestion-services';
import { replyProposal } from '../support/reply-proposal';

const unavailable = browserUnavailable();
const EMAIL = 'ines@example.com';
const DRAFT = 'Thanks Priya, the numbers look right to me. One question on travel costs before Friday.';
/** A plain-text mail whose text looks like markup: it must be shown as these characters, never as a bold word. */
const MARKUP = '<b>not bold</b>';
const LONG_BODY = [
  'Hi Ines,',
  '',
  `Could you review the Q4 budget draft before Friday? ${MARKUP}`,
  ...Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of the budget notes, with enough words to be a real line.`),
  'The very last line of the budget mail.',
].join('\n');

let p: TestPlatform;
let ines: Person;
let connectorId = '';
let mail: MailProvider;
let original: MailMessage;
let replyId = '';
let browser: Browser;

const deliver = (from: string, subject: string, text: string) =>
  deliverMail(
    p.services,
    { tenantId: ines.tenantId, connectorId, apiRoot: p.platform.settings.GOOGLE_API_ROOT_URL! },
    { from, subject, text },
  );

const reply = (message: MailMessage, body: string) =>
  replyProposal(message, connectorId, body, `${message.from.name ?? message.from.email} is waiting for an answer.`);

async function propose(proposal: Proposal): Promise<string> {
  const [id] = await p.services.suggestions().propose(origin(ines.tenantId), [proposal]);
  assert.ok(id);
  return id;
}

const signedIn = (phone = false) =>
  signedInPage(
    browser,
    p.platform.origin,
    { email: EMAIL, name: 'Ines' },
    { path: '/suggestions', heading: 'Suggestions', phone },
  );

/** How far the page (or the full-screen dialog) scrolls sideways. */
function sidewaysOverflow(page: Page): Promise<number> {
  // A string: this file is type-checked without the DOM library.
  return page.evaluate<number>(`(() => {
    const root = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const paper = document.querySelector('[role="dialog"]');
    return Math.max(root, paper ? paper.scrollWidth - paper.clientWidth : 0);
  })()`);
}

async function openSuggestion(page: Page, id: string): Promise<void> {
  await page.goto(`${p.platform.origin}/suggestions?open=${id}`);
  await page.getByRole('dialog').getByText('What will happen').waitFor();
}

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  ines = await p.person(EMAIL, 'Ines');
  const { response } = await consent(p.platform, ines.token, 'google', GOOGLE_DEMO_USER.email);
  assert.equal(response.status, 302);
  connectorId = (await p.json<{ items: { id: string }[] }>('/connectors', { token: ines.token })).body.items[0]!.id;
  mail = await p.services.connectors().mail(ines.tenantId, connectorId);
  original = await mail.getMessage(await deliver('Priya Shah <priya@northwind.example>', 'Q4 budget draft', LONG_BODY));
  replyId = await propose(reply(original, DRAFT));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

for (const phone of [false, true]) {
  test(
    `a reply beside the mail it answers (${phone ? '390px phone' : 'desktop'})`,
    { skip: unavailable },
    async (t) => {
      const { page, consoleErrors: errors } = await signedIn(phone);

      await t.test('the list row shows the sender, the first words of the draft and the agent', async () => {
        const row = page
          .getByRole('list', { name: 'Suggestions' })
          .getByRole('listitem')
          .filter({ hasText: 'Q4 budget draft' });
        await row.getByText('Priya Shah', { exact: true }).waitFor();
        const text = await row.innerText();
        assert.match(text, /Thanks Priya, the numbers look right/);
        assert.match(text, /Reply drafter/, 'the agent (its template, as the agent is not kept in this test)');
        assert.ok((await sidewaysOverflow(page)) <= 0, 'the list does not scroll sideways');
        await screenshot(page, `source-message-list-${phone ? 'phone' : 'desktop'}`);
        assert.deepEqual(await seriousViolations(page), []);
      });

      await t.test('the dialog shows the original mail, as plain text, with a link into Gmail', async () => {
        await openSuggestion(page, replyId);
        const dialog = page.getByRole('dialog');
        const source = dialog.getByRole('region', { name: 'The mail it answers' });
        await source.getByText('Priya Shah <priya@northwind.example>').waitFor();
        await source.getByText('Q4 budget draft', { exact: true }).waitFor();
        const body = source.getByLabel('Text of the mail');
        await body.getByText(/Could you review the Q4 budget draft before Friday\?/).waitFor();
        assert.ok((await body.innerText()).includes(MARKUP), 'markup in the mail is shown as text');
        assert.equal(await body.locator('b').count(), 0, 'and never becomes markup');
        assert.ok(!(await body.innerText()).includes('The very last line'), 'a long body starts folded');
        await source.getByRole('button', { name: 'Show more' }).click();
        await body.getByText('The very last line of the budget mail.').waitFor();
        const link = source.getByRole('link', { name: 'Open in Gmail' });
        assert.equal(
          await link.getAttribute('href'),
          `https://mail.google.com/mail/?authuser=${encodeURIComponent(GOOGLE_DEMO_USER.email)}#all/${original.id}`,
        );
        assert.equal(await link.getAttribute('target'), '_blank');
        assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
        await dialog.getByText(DRAFT).waitFor();

        const mailBox = (await source.boundingBox())!;
        const draftBox = (await dialog.getByRole('heading', { name: 'What will happen' }).boundingBox())!;
        if (phone) {
          assert.ok(mailBox.y + mailBox.height <= draftBox.y + 1, 'on a phone the mail comes above the draft');
          assert.ok((await sidewaysOverflow(page)) <= 0, 'and nothing scrolls sideways');
          await source.getByRole('button', { name: 'Hide' }).click();
          await source.getByLabel('Text of the mail').waitFor({ state: 'detached' });
          await source.getByRole('button', { name: 'Show' }).click();
          await source.getByLabel('Text of the mail').waitFor();
        } else {
          assert.ok(mailBox.x + mailBox.width <= draftBox.x + 1, 'on a desktop the mail is beside the draft');
          assert.ok(Math.abs(mailBox.y - draftBox.y) < 40, 'at the same height');
        }
        await screenshot(page, `source-message-${phone ? 'phone' : 'desktop'}`);
        assert.deepEqual(await seriousViolations(page), []);
      });

      await t.test('no console errors', () => assert.deepEqual(errors, []));
      await page.context().close();
    },
  );
}

test('what the dialog says when the mail cannot be read, and a label suggestion', { skip: unavailable }, async (t) => {
  const { page, consoleErrors: errors } = await signedIn();

  await t.test('a deleted message: said in words, with what the suggestion kept', async () => {
    const gone = await mail.getMessage(
      await deliver('Noor Haddad <noor@fabrikam.example>', 'Lunch on Thursday?', 'Are you free at noon?'),
    );
    const id = await propose(reply(gone, 'Yes, noon works.'));
    const { tokens } = await storedTokens(p.services, ines.tenantId, connectorId);
    const deleted = await fetch(`${p.platform.settings.GOOGLE_API_ROOT_URL}gmail/v1/users/me/messages/${gone.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.ok(deleted.ok, `the emulator deleted the message (${deleted.status})`);
    await openSuggestion(page, id);
    const source = page.getByRole('dialog').getByRole('region', { name: 'The mail it answers' });
    await source.getByText(/The message cannot be shown: The message is no longer in .*: it was deleted/).waitFor();
    await source.getByText('Noor Haddad <noor@fabrikam.example>').waitFor();
    await source.getByText('Lunch on Thursday?', { exact: true }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
  });

  await t.test('a label suggestion lists the messages it labels, then "and N more"', async () => {
    for (const n of [1, 2, 3, 4])
      await deliver('Ops Alerts <noreply@alerts.example>', `Weekly update ${n}`, 'What shipped this week.');
    const messages = (await mail.listMessages({ limit: 50 })).items;
    assert.ok(messages.length > 10, `enough mail to list (${messages.length})`);
    const id = await propose({
      kind: 'email.label',
      payload: { connectorId, messageIds: messages.map((m) => m.id), labels: ['Agents/FYI'] },
      rationale: 'They look like FYI mail.',
      sources: messages.map((m) => messageSource(m, connectorId)),
    });
    await openSuggestion(page, id);
    const list = page.getByRole('dialog').getByRole('region', { name: `The ${messages.length} messages` });
    assert.equal(await list.getByRole('listitem').count(), 10);
    await list.getByRole('listitem').filter({ hasText: 'Priya Shah' }).getByText('Q4 budget draft').waitFor();
    await list.getByText(`and ${messages.length - 10} more`).waitFor();
    await screenshot(page, 'source-message-labels');
    assert.deepEqual(await seriousViolations(page), []);
  });

  await t.test(
    'a meeting brief names what it is based on: the meeting, mail by sender and subject, documents',
    async () => {
      const [first] = (await mail.listMessages({ limit: 1 })).items;
      assert.ok(first);
      const id = await propose(
        taskProposal('Prepare: Q4 budget review', {
          sources: [
            { type: 'event', id: 'evt-1', title: 'Q4 budget review' },
            messageSource(first, connectorId),
            { type: 'document', id: 'doc-1', title: 'Q4 budget draft' },
          ],
        }),
      );
      await openSuggestion(page, id);
      const basedOn = page.getByRole('dialog').getByRole('listitem');
      await basedOn.getByText('Meeting: Q4 budget review', { exact: true }).waitFor();
      await basedOn
        .getByText(`Mail from ${first.from.name ?? first.from.email}: ${first.subject}`, { exact: true })
        .waitFor();
      await basedOn.getByText('Document: Q4 budget draft', { exact: true }).waitFor();
    },
  );

  await t.test('no console errors', () =>
    assert.deepEqual(
      errors.filter((e) => !/status of 410/.test(e)),
      [],
    ),
  );
  await page.context().close();
});
