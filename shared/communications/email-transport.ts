import type { EmailClient } from '@azure/communication-email';
import type { Transporter } from 'nodemailer';
import type { Settings } from '../platform/config';

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

/** Sends notification emails. Azure Communication Services in Azure, SMTP for self-hosting and the local sink. */
export interface EmailTransport {
  send(email: OutgoingEmail): Promise<void>;
}

function createAcsTransport(settings: Settings): EmailTransport {
  const endpoint = settings.ACS_EMAIL_ENDPOINT;
  let client: Promise<EmailClient> | undefined;
  const getClient = () =>
    (client ??= (async () => {
      if (!endpoint) throw new Error('ACS_EMAIL_ENDPOINT is not set');
      const [{ EmailClient }, { ManagedIdentityCredential, DefaultAzureCredential }] = await Promise.all([
        import('@azure/communication-email'),
        import('@azure/identity'),
      ]);
      const credential = settings.AZURE_CLIENT_ID
        ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
        : new DefaultAzureCredential();
      return new EmailClient(endpoint, credential);
    })());
  const sender = settings.EMAIL_FROM.match(/<([^>]+)>/)?.[1] ?? settings.EMAIL_FROM;
  return {
    async send(email) {
      const poller = await (
        await getClient()
      ).beginSend({
        senderAddress: sender,
        content: { subject: email.subject, html: email.html, plainText: email.text },
        recipients: { to: [{ address: email.to }] },
        headers: email.headers,
      });
      const result = await poller.pollUntilDone();
      if (result.status !== 'Succeeded') throw new Error(`email not sent: ${result.status}`);
    },
  };
}

function createSmtpTransport(settings: Settings): EmailTransport {
  let transporter: Promise<Transporter> | undefined;
  const getTransporter = () =>
    (transporter ??= (async () => {
      const nodemailer = await import('nodemailer');
      return nodemailer.createTransport({
        host: settings.SMTP_HOST,
        port: settings.SMTP_PORT,
        secure: settings.SMTP_SECURE,
        ...(settings.SMTP_USER ? { auth: { user: settings.SMTP_USER, pass: settings.SMTP_PASSWORD ?? '' } } : {}),
        pool: true,
        maxConnections: 4,
      });
    })());
  return {
    async send(email) {
      await (
        await getTransporter()
      ).sendMail({
        from: settings.EMAIL_FROM,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: email.headers,
      });
    },
  };
}

export function createEmailTransport(
  settings: Settings,
  log: (message: string) => void = console.warn,
): EmailTransport {
  switch (settings.EMAIL_TRANSPORT) {
    case 'acs':
      return createAcsTransport(settings);
    case 'smtp':
      return createSmtpTransport(settings);
    case 'none':
      return {
        async send(email) {
          log(`email not sent (EMAIL_TRANSPORT=none): "${email.subject}"`);
        },
      };
  }
}
