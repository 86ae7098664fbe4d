import { demoDocuments, demoEvents, demoMessages } from './content';

export const GOOGLE_DEMO_USER = { name: 'Alex Morgan', email: 'alex.morgan@gmail.example' };

const iso = (now: number, hours: number) => new Date(now + hours * 3_600_000).toISOString();
const addr = (a: { name: string; email: string }) => `${a.name} <${a.email}>`;

/** Seed for the Google emulator: the demo person's Gmail, Calendar and Drive, and our OAuth client. */
export function googleDemoSeed(opts: { clientId: string; clientSecret: string; redirectUris: string[]; now?: number }) {
  const now = opts.now ?? Date.now();
  const me = GOOGLE_DEMO_USER;
  return {
    users: [{ email: me.email, name: me.name, email_verified: true }],
    oauth_clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        name: 'Personal Agents',
        redirect_uris: opts.redirectUris,
      },
    ],
    labels: [{ id: 'Label_newsletters', user_email: me.email, name: 'Newsletters' }],
    messages: demoMessages(me).map((m) => ({
      id: `msg_${m.key.replace(/-/g, '_')}`,
      thread_id: `thr_${m.thread.replace(/-/g, '_')}`,
      user_email: me.email,
      from: addr(m.from),
      to: (m.to ?? [me]).map(addr).join(', '),
      ...(m.cc ? { cc: m.cc.map(addr).join(', ') } : {}),
      subject: m.subject,
      ...(m.text ? { body_text: m.text } : {}),
      ...(m.html ? { body_html: m.html } : {}),
      label_ids: [
        'INBOX',
        ...(m.unread ? ['UNREAD'] : []),
        ...(m.tags?.includes('Newsletters') ? ['Label_newsletters'] : []),
      ],
      date: iso(now, -m.hoursAgo),
      message_id: `<${m.key}.${now}@demo.example>`,
    })),
    calendars: [
      { id: 'primary', user_email: me.email, summary: me.email, primary: true, selected: true, time_zone: 'UTC' },
    ],
    calendar_events: demoEvents(me).map((e) => ({
      id: `evt_${e.key.replace(/-/g, '_')}`,
      user_email: me.email,
      calendar_id: 'primary',
      summary: e.title,
      ...(e.description ? { description: e.description } : {}),
      ...(e.location ? { location: e.location } : {}),
      start_date_time: iso(now, e.startsIn),
      end_date_time: iso(now, e.startsIn + e.minutes / 60),
      attendees: e.attendees.map((a) => ({ email: a.email, display_name: a.name })),
    })),
    drive_items: [
      {
        id: 'drv_projects',
        user_email: me.email,
        name: 'Projects',
        mime_type: 'application/vnd.google-apps.folder',
        parent_ids: ['root'],
      },
      ...demoDocuments().map((d) => ({
        id: `drv_${d.key.replace(/-/g, '_')}`,
        user_email: me.email,
        name: d.name,
        mime_type: d.mimeType,
        parent_ids: ['root'],
        data: d.content,
      })),
      {
        id: 'drv_contract_pdf',
        user_email: me.email,
        name: 'Northwind contract.pdf',
        mime_type: 'application/pdf',
        parent_ids: ['drv_projects'],
        data: '%PDF-1.4 demo',
      },
    ],
  };
}
