import { demoDocuments, demoEvents, demoMessages } from './content';

export const MICROSOFT_DEMO_USER = { name: 'Sam Rivera', email: 'sam.rivera@outlook.example' };

const iso = (now: number, hours: number) => new Date(now + hours * 3_600_000).toISOString();
const rcpt = (a: { name: string; email: string }) => ({ address: a.email, name: a.name });

/** Seed for the Microsoft emulator: the demo person's Outlook mail, calendar and OneDrive, and our OAuth client. */
export function microsoftDemoSeed(opts: {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  now?: number;
}) {
  const now = opts.now ?? Date.now();
  const me = MICROSOFT_DEMO_USER;
  return {
    users: [{ email: me.email, name: me.name }],
    oauth_clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        name: 'Personal Agents',
        redirect_uris: opts.redirectUris,
      },
    ],
    categories: [{ user_email: me.email, display_name: 'Newsletters', color: 'preset7' }],
    messages: demoMessages(me).map((m) => ({
      id: `msg_${m.key.replace(/-/g, '_')}`,
      conversation_id: `conv_${m.thread.replace(/-/g, '_')}`,
      user_email: me.email,
      subject: m.subject,
      body_content: m.html ?? m.text ?? '',
      body_content_type: m.html ? 'html' : 'text',
      from: rcpt(m.from),
      to_recipients: (m.to ?? [me]).map(rcpt),
      cc_recipients: (m.cc ?? []).map(rcpt),
      received_date_time: iso(now, -m.hoursAgo),
      is_read: !m.unread,
      is_draft: false,
      categories: m.tags ?? [],
    })),
    calendar_events: demoEvents(me).map((e) => ({
      id: `evt_${e.key.replace(/-/g, '_')}`,
      user_email: me.email,
      calendar_id: 'primary',
      subject: e.title,
      ...(e.description ? { body_preview: e.description } : {}),
      ...(e.location ? { location_display_name: e.location } : {}),
      start_date_time: iso(now, e.startsIn),
      end_date_time: iso(now, e.startsIn + e.minutes / 60),
      show_as: 'busy',
      attendees: e.attendees.map(rcpt),
    })),
    drive_items: [
      { id: 'drv_projects', user_email: me.email, name: 'Projects', is_folder: true },
      ...demoDocuments().map((d) => ({
        id: `drv_${d.key.replace(/-/g, '_')}`,
        user_email: me.email,
        name: d.name,
        mime_type: d.mimeType,
        content_bytes: Buffer.from(d.content, 'utf8').toString('base64'),
      })),
    ],
  };
}
