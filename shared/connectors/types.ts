/**
 * The connector contracts the rest of the app codes against. Vendor types never cross these interfaces:
 * each vendor file under `providers/` maps its SDK's shapes to the ones below.
 */

import type { z } from 'zod';
import type { connectorFamily, connectorView, providerName } from './view';
import type { PushProvider } from './push';

/** Vendors we connect to through OAuth. */
export type ProviderName = z.infer<typeof providerName>;
/** What a connector gives access to. One OAuth connection may serve several families (Google: mail, calendar, files). */
export type ConnectorFamily = z.infer<typeof connectorFamily>;

/** A family a connection serves, and whether an installed agent sends or writes there. */
export interface FamilyNeed {
  family: ConnectorFamily;
  write: boolean;
}
export type ConnectorHealth = ConnectorInfo['health'];

/** A connector as shown to the person and to other contexts (`connectorView`). Never carries tokens. */
export type ConnectorInfo = z.infer<typeof connectorView>;

/** One page of a provider listing, with a cursor to continue and a note when results are incomplete. */
export interface ProviderPage<T> {
  items: T[];
  /** Opaque; pass back as `cursor` to read on. Null at the end. */
  nextCursor: string | null;
  /** Set when some items could not be read (e.g. one message failed, a page limit was hit). */
  partial?: { reason: string; skipped?: number };
}

export interface PageRequest {
  /** Items per page; providers cap it (default 25, at most 100). */
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------- mail

export interface MailAddress {
  name?: string;
  email: string;
}

export interface MailSummary {
  id: string;
  threadId: string;
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** The Reply-To header, when the sender set one: replies go there instead of to `from`. */
  replyTo?: MailAddress[];
  /** ISO date-time the message was received/sent. */
  date: string;
  /** Short plain-text preview. */
  snippet: string;
  unread: boolean;
  /** Label / category names (provider names, e.g. "INBOX", "Newsletters"). */
  labels: string[];
  /** RFC 5322 Message-ID header, when known (needed for in-thread replies). */
  internetMessageId?: string;
}

export interface MailMessage extends MailSummary {
  /** Safe plain text: HTML converted to text, quoted history trimmed, length-bounded. */
  text: string;
  /** True when the text was cut at the length bound or quoted history was removed. */
  truncated: boolean;
  /** Message-IDs this one answers (References), oldest first. */
  references: string[];
  /** Opens the message in the provider's own web app (Gmail, Outlook on the web), for the signed-in account. */
  webLink?: string;
}

export interface MailThread {
  id: string;
  subject: string;
  /** Oldest first. */
  messages: MailSummary[];
}

export interface MailQuery extends PageRequest {
  /** Free-text search (provider syntax is not exposed; plain words). */
  text?: string;
  /** Only messages newer than this ISO date-time. */
  since?: string;
  /** Only messages carrying this label/folder (default: the inbox). */
  label?: string;
  unreadOnly?: boolean;
}

export interface ReplyInput {
  /** The message being answered. */
  messageId: string;
  threadId: string;
  to: string[];
  cc?: string[];
  subject: string;
  /** Plain text. */
  body: string;
}

export interface SendReplyInput extends ReplyInput {
  /**
   * Caller-given idempotency key. Used to build the outgoing Message-ID, so sending the same reply twice
   * (e.g. an activity retried) is detected and returns the first result instead of sending again.
   */
  idempotencyKey: string;
}

export interface SentMessage {
  id: string;
  threadId: string;
  /** The Message-ID header of the sent mail. */
  internetMessageId: string;
  /** True when an earlier send with the same idempotency key was found and nothing new was sent. */
  alreadySent: boolean;
}

/**
 * A mailbox's change feed (Gmail history): where the mailbox stands, and what arrived since a position. Providers
 * without one leave `MailProvider.changes` out; their readers go by the messages' times.
 */
export interface MailChangeFeed {
  /** The mailbox's position now; undefined for an empty mailbox. */
  position(): Promise<string | undefined>;
  /**
   * Ids of messages added since `position` (oldest first, at most `max`) and the position after them. Throws
   * PositionExpiredError when the provider no longer knows `position`.
   */
  addedSince(position: string, max: number): Promise<{ messageIds: string[]; position: string }>;
}

export interface MailProvider {
  /** The change feed, where the provider offers one. */
  changes?: MailChangeFeed;
  /** Recent messages, newest first. */
  listMessages(query: MailQuery): Promise<ProviderPage<MailSummary>>;
  /** Recent threads, newest first. */
  listThreads(query: MailQuery): Promise<ProviderPage<MailThread>>;
  getThread(threadId: string): Promise<MailThread>;
  /** A message with a safe plain-text body. Throws NotFoundError when it does not exist. */
  getMessage(messageId: string): Promise<MailMessage>;
  /** Creates a draft reply in the thread. Returns the draft id (for `deleteDraft`, the undo). */
  createDraftReply(input: ReplyInput): Promise<{ draftId: string; messageId: string; threadId: string }>;
  deleteDraft(draftId: string): Promise<void>;
  /** Sends a reply in the thread (In-Reply-To/References set), at most once per idempotency key. */
  sendReply(input: SendReplyInput): Promise<SentMessage>;
  /** Adds labels (Gmail labels / Outlook categories), creating missing ones. */
  addLabels(messageIds: string[], labels: string[]): Promise<void>;
  /** Undo of addLabels. */
  removeLabels(messageIds: string[], labels: string[]): Promise<void>;
  /** Moves messages out of the inbox. */
  archive(messageIds: string[]): Promise<void>;
  /** Undo of archive: back to the inbox. */
  unarchive(messageIds: string[]): Promise<void>;
}

// ---------------------------------------------------------------- calendar

export interface CalendarEvent {
  id: string;
  title: string;
  /** ISO date-time with offset (all-day events: midnight in the event's zone). */
  start: string;
  end: string;
  allDay: boolean;
  timeZone?: string;
  location?: string;
  /** Plain text. */
  description?: string;
  organizer?: MailAddress;
  attendees: (MailAddress & { response?: 'accepted' | 'declined' | 'tentative' | 'needsAction' })[];
  /** Link to open the event at the provider, when given. */
  webLink?: string;
}

export interface EventWindow extends PageRequest {
  /** ISO date-times; `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  text?: string;
}

export interface NewEvent {
  title: string;
  start: string;
  end: string;
  /** IANA zone the event is shown in. */
  timeZone: string;
  attendees?: string[];
  location?: string;
  description?: string;
  /** Idempotency key: creating twice with the same key returns the first event. */
  idempotencyKey?: string;
}

export interface BusySlot {
  start: string;
  end: string;
}

export interface CalendarProvider {
  listEvents(window: EventWindow): Promise<ProviderPage<CalendarEvent>>;
  /** Busy intervals of the person's primary calendar within [from, to). */
  freeBusy(from: string, to: string): Promise<BusySlot[]>;
  createEvent(event: NewEvent): Promise<CalendarEvent>;
  /** Deletes an event (the undo of createEvent). A missing event is not an error. */
  deleteEvent(eventId: string): Promise<void>;
}

// ---------------------------------------------------------------- files

export interface FileSummary {
  id: string;
  name: string;
  /** Our kind, independent of the vendor's MIME names. */
  kind: 'document' | 'spreadsheet' | 'presentation' | 'pdf' | 'text' | 'folder' | 'other';
  mimeType: string;
  modifiedAt: string;
  size?: number;
  webLink?: string;
}

export interface FileQuery extends PageRequest {
  text?: string;
  folderId?: string;
  modifiedSince?: string;
}

/** A document's text, or a clear reason it cannot be read. */
export type FileText =
  | { supported: true; file: FileSummary; text: string; truncated: boolean }
  | { supported: false; file: FileSummary; reason: string };

export interface NewDocument {
  title: string;
  /** Plain text / Markdown. */
  content: string;
  folderId?: string;
}

export interface FilesProvider {
  listFiles(query: FileQuery): Promise<ProviderPage<FileSummary>>;
  /** Text of a document: Google Docs exported as text, Office/plain text where possible, otherwise unsupported. */
  readText(fileId: string): Promise<FileText>;
  createDocument(doc: NewDocument): Promise<FileSummary>;
  /** Undo of createDocument (Drive: to the trash; OneDrive: to the recycle bin). A missing file is not an error. */
  deleteFile(fileId: string): Promise<void>;
}

// ---------------------------------------------------------------- notes

export interface NotePage {
  id: string;
  title: string;
  url?: string;
  modifiedAt: string;
}

export interface NotesProvider {
  search(query: { text?: string } & PageRequest): Promise<ProviderPage<NotePage>>;
  /** A page's text (blocks flattened to plain text / Markdown-ish lines). */
  readPage(pageId: string): Promise<{ page: NotePage; text: string; truncated: boolean }>;
  /** Creates a page under `parentPageId` (or the first shared page when omitted). */
  createPage(input: { parentPageId?: string; title: string; content: string }): Promise<NotePage>;
  /** Undo of createPage (archives it). */
  archivePage(pageId: string): Promise<void>;
}

export interface FamilyProviders {
  mail: MailProvider;
  calendar: CalendarProvider;
  files: FilesProvider;
  notes: NotesProvider;
}

// ---------------------------------------------------------------- hub

/**
 * Ready providers for a tenant's connectors: tokens decrypted and refreshed ahead of expiry,
 * every call wrapped with retry/backoff and safe error mapping. `services.connectors()`.
 */
export interface ConnectorHub {
  /** The tenant's connectors with their health. */
  list(tenantId: string): Promise<ConnectorInfo[]>;
  /** One connector; NotFoundError when missing or another tenant's. */
  get(tenantId: string, connectorId: string): Promise<ConnectorInfo>;
  /**
   * The tenant's connector serving `family` (optionally of one provider), preferring healthy ones;
   * undefined when none is connected.
   */
  find(tenantId: string, family: ConnectorFamily, provider?: ProviderName): Promise<ConnectorInfo | undefined>;
  /** Throws NotFoundError (unknown), ConflictError (connector does not serve that family / needs re-auth). */
  mail(tenantId: string, connectorId: string): Promise<MailProvider>;
  calendar(tenantId: string, connectorId: string): Promise<CalendarProvider>;
  files(tenantId: string, connectorId: string): Promise<FilesProvider>;
  notes(tenantId: string, connectorId: string): Promise<NotesProvider>;
  /** Push channels of an active connector's provider; undefined where the provider has none (then poll). */
  push(tenantId: string, connectorId: string): Promise<PushProvider | undefined>;
}

// ---------------------------------------------------------------- snapshots

export interface SnapshotSource {
  connectorId: string;
  /** What was read, e.g. "mail.listMessages", "calendar.listEvents". */
  source: string;
  /** The query's parameters (normalised into the metadata; no secrets). */
  query: Record<string, unknown>;
}

/** Small enough to pass through orchestration history. */
export interface SnapshotRef {
  snapshotId: string;
  /** sha256 of the normalised content, hex. */
  hash: string;
  size: number;
  itemCount: number;
}

export interface Snapshot<T = unknown> extends SnapshotRef {
  connectorId: string;
  source: string;
  query: Record<string, unknown>;
  capturedAt: string;
  data: T;
}

/**
 * What a run read, frozen: content normalised (stable key order) and stored in Blob under the tenant's prefix,
 * metadata in the `snapshots` container, deduplicated by content hash, expiring by retention. Replays read the
 * snapshot, never the provider. `services.snapshots()`.
 */
export interface SnapshotStore {
  capture(tenantId: string, source: SnapshotSource, data: unknown): Promise<SnapshotRef>;
  /** NotFoundError when missing, expired or another tenant's. */
  read<T = unknown>(tenantId: string, snapshotId: string): Promise<Snapshot<T>>;
}
