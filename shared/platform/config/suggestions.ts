import { z } from 'zod';
import { boolSetting, intSetting, localOnly, optionalSetting } from './env';

/** Suggestions, approvals, notification emails and the dashboard. */
export const suggestionSettings = z.object({
  /** How long a suggestion waits for a decision before it expires (seconds); a proposal may ask for less. */
  SUGGESTION_EXPIRY_SECONDS: intSetting(3 * 86_400),
  /** A reminder goes out this long before expiry (seconds); 0 turns reminders off. */
  SUGGESTION_REMINDER_BEFORE_SECONDS: intSetting(12 * 3_600),
  /** How long after execution an action can be undone (seconds). */
  SUGGESTION_UNDO_WINDOW_SECONDS: intSetting(15 * 60),
  /** Lifetime of an emailed approve/reject link (seconds); never beyond the suggestion's expiry. */
  APPROVAL_LINK_TTL_SECONDS: intSetting(2 * 86_400),
  /**
   * Key that signs emailed links (approve/reject, unsubscribe): base64 of at least 32 random bytes.
   * In Azure a Key Vault reference; locally, when unset, a key file is created under APPROVAL_LINK_KEY_FILE.
   */
  APPROVAL_LINK_KEY: optionalSetting(),
  APPROVAL_LINK_KEY_FILE: localOnly(z.string().min(1).default('.local/keys/approval-links.key')),

  /** `acs`: Azure Communication Services Email (managed identity); `smtp`: any SMTP server; `none`: emails are not sent. */
  EMAIL_TRANSPORT: z.enum(['acs', 'smtp', 'none']).default('smtp'),
  /** Sender address (ACS: a verified MailFrom address of the connected domain). */
  EMAIL_FROM: z.string().min(3).default('Personal Agents <agents@localhost>'),
  /** ACS endpoint, e.g. https://<resource>.communication.azure.com */
  ACS_EMAIL_ENDPOINT: optionalSetting(),
  SMTP_HOST: localOnly(z.string().min(1).default('127.0.0.1')),
  SMTP_PORT: localOnly(intSetting(2525)),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: localOnly(boolSetting(false)),
  SMTP_USER: localOnly(optionalSetting()),
  SMTP_PASSWORD: localOnly(optionalSetting()),

  /** Minutes a person's time is estimated to be saved per executed suggestion, by kind (JSON, partial). */
  TIME_SAVED_MINUTES: optionalSetting(),
});
