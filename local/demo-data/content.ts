/**
 * The demo person's mail, calendar and documents, shared by the Google and Microsoft emulators. Times are relative
 * to start-up, so "recent" mail is always recent. The mix is what the agents are built for: threads that need a reply,
 * newsletters and notifications to triage, meeting requests, and documents to summarise.
 */
export interface DemoMessage {
  key: string;
  thread: string;
  from: { name: string; email: string };
  to?: { name: string; email: string }[];
  cc?: { name: string; email: string }[];
  subject: string;
  text?: string;
  html?: string;
  hoursAgo: number;
  unread: boolean;
  /** Provider labels / categories it carries. */
  tags?: string[];
}

export interface DemoEvent {
  key: string;
  title: string;
  /** Hours from now (negative: past). */
  startsIn: number;
  minutes: number;
  location?: string;
  description?: string;
  attendees: { name: string; email: string }[];
}

export interface DemoDocument {
  key: string;
  name: string;
  mimeType: string;
  content: string;
}

const maya = { name: 'Maya Chen', email: 'maya.chen@northwind.example' };
const david = { name: 'David Okafor', email: 'david.okafor@contoso.example' };
const priya = { name: 'Priya Raman', email: 'priya@fabrikam.example' };
const tom = { name: 'Tom Becker', email: 'tom.becker@northwind.example' };

export const demoMessages = (me: { name: string; email: string }): DemoMessage[] => [
  {
    key: 'proposal-timeline',
    thread: 'proposal',
    from: david,
    to: [me],
    subject: 'Proposal timeline for the Contoso rollout',
    text: `Hi ${me.name.split(' ')[0]},\n\nThanks for the call on Monday. Could you send me the revised timeline for the rollout by Thursday? Our steering group meets Friday morning and I would like to present the phases and the go-live date.\n\nAlso, is the training for the support team still planned for the second week?\n\nBest,\nDavid`,
    hoursAgo: 3,
    unread: true,
  },
  {
    key: 'review-request',
    thread: 'review',
    from: maya,
    to: [me],
    cc: [tom],
    subject: 'Can you review the Q3 budget draft?',
    text: `Hi,\n\nI put the Q3 budget draft in the shared folder ("Q3 budget notes"). Could you look at the travel and tooling lines before Wednesday? Tom needs the final numbers for the board pack.\n\nThanks!\nMaya\n\nOn Mon, ${me.name} wrote:\n> Send it over when it is ready.`,
    hoursAgo: 6,
    unread: true,
  },
  {
    key: 'meeting-request',
    thread: 'meeting',
    from: priya,
    to: [me],
    subject: 'Meeting request: integration kickoff next week',
    text: `Hello,\n\nWe would like to schedule a 45-minute kickoff for the Fabrikam integration next week. Tuesday or Wednesday afternoon works best for our team. Could you propose a slot and send an invite to me and our engineering lead?\n\nKind regards,\nPriya Raman\nFabrikam`,
    hoursAgo: 20,
    unread: true,
  },
  {
    key: 'newsletter-product',
    thread: 'newsletter-1',
    from: { name: 'The Product Digest', email: 'newsletter@productdigest.example' },
    to: [me],
    subject: 'This week: 7 ideas for calmer roadmaps',
    html: '<html><body><h1>The Product Digest</h1><p>This week we look at <b>seven ideas</b> for calmer roadmaps, from quarterly themes to saying no with data.</p><ul><li>Themes over features</li><li>Fewer, bigger bets</li></ul><p><a href="https://productdigest.example/unsubscribe">Unsubscribe</a></p></body></html>',
    hoursAgo: 10,
    unread: true,
    tags: ['Newsletters'],
  },
  {
    key: 'newsletter-travel',
    thread: 'newsletter-2',
    from: { name: 'SkyMiles Deals', email: 'deals@skymiles.example' },
    to: [me],
    subject: 'Weekend fares from 49 EUR',
    html: '<html><body><p>Fly this weekend from <b>49 EUR</b>. Offer ends Sunday.</p><p><a href="https://skymiles.example/unsubscribe">Unsubscribe</a></p></body></html>',
    hoursAgo: 30,
    unread: false,
  },
  {
    key: 'receipt',
    thread: 'receipt',
    from: { name: 'Cloud Tools Billing', email: 'billing@cloudtools.example' },
    to: [me],
    subject: 'Your receipt for November',
    text: 'Thank you for your payment of 24.00 EUR for the Team plan (November). No action is needed.',
    hoursAgo: 40,
    unread: false,
  },
  {
    key: 'follow-up',
    thread: 'contract',
    from: tom,
    to: [me],
    subject: 'Re: Contract renewal with Northwind',
    text: `Hi,\n\nJust following up on the renewal: legal approved the new terms. Can you confirm you are fine with a 24-month term so I can send it for signature?\n\nTom\n\n-----Original Message-----\nFrom: ${me.name}\nSent: last week\nSubject: Contract renewal with Northwind\n\nLet us check the term length with legal first.`,
    hoursAgo: 52,
    unread: false,
  },
];

export const demoEvents = (me: { name: string; email: string }): DemoEvent[] => [
  {
    key: 'standup',
    title: 'Team stand-up',
    startsIn: 2,
    minutes: 15,
    location: 'Room 4.12',
    attendees: [me, maya, tom],
  },
  {
    key: 'contoso-review',
    title: 'Contoso rollout review',
    startsIn: 26,
    minutes: 60,
    location: 'Video call',
    description: 'Walk through the revised rollout timeline and training plan.',
    attendees: [me, david],
  },
  { key: 'budget', title: 'Q3 budget sign-off', startsIn: 50, minutes: 30, attendees: [me, maya, tom] },
  { key: 'focus', title: 'Focus time', startsIn: 28, minutes: 120, attendees: [me] },
];

export const demoDocuments = (): DemoDocument[] => [
  {
    key: 'rollout-plan',
    name: 'Contoso rollout plan.md',
    mimeType: 'text/markdown',
    content:
      '# Contoso rollout plan\n\n## Phases\n1. Pilot with the support team (2 weeks)\n2. Regional rollout (4 weeks)\n3. Go-live for all sites\n\n## Risks\n- Training capacity in week 2\n- Data migration from the legacy CRM\n\n## Open questions\n- Final go-live date depends on the steering group on Friday.',
  },
  {
    key: 'budget-notes',
    name: 'Q3 budget notes.txt',
    mimeType: 'text/plain',
    content:
      'Q3 budget draft\n\nTravel: 18,000 EUR (up 20% for customer visits)\nTooling: 9,500 EUR (new design licences)\nTraining: 6,000 EUR\n\nOpen: confirm tooling line with IT before Wednesday.',
  },
  {
    key: 'meeting-notes',
    name: 'Fabrikam call notes.md',
    mimeType: 'text/markdown',
    content:
      '# Fabrikam call notes\n\n- They want an integration kickoff next week.\n- Their engineering lead is Jonas.\n- Needs: API access, sandbox tenant, shared Slack channel.',
  },
];
