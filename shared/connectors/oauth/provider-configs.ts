import type { Settings } from '../../platform/config';
import type { ConnectorFamily, FamilyNeed, ProviderName } from '../types';

/** How to talk OAuth to one vendor. Built from the settings so the emulators and sovereign clouds can be used. */
export interface OAuthProviderConfig {
  provider: ProviderName;
  /** Families this vendor can serve. */
  families: ConnectorFamily[];
  clientId?: string;
  clientSecret?: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  /** Scopes always asked for (identity, offline access). */
  baseScopes: string[];
  /**
   * Scopes per family: `read` to read it, `write` added only while an installed agent sends or writes there (least
   * privilege: a connection is read-only until then).
   */
  familyScopes: Partial<Record<ConnectorFamily, { read: string[]; write: string[] }>>;
  /** Extra query parameters of the authorization request. */
  authParams: Record<string, string>;
  /** How the client authenticates at the token endpoint. */
  tokenAuth: 'post' | 'basic-json';
}

const GOOGLE = 'https://www.googleapis.com/auth/';

export function oauthProviderConfig(provider: ProviderName, settings: Settings): OAuthProviderConfig {
  switch (provider) {
    case 'google':
      return {
        provider,
        families: ['mail', 'calendar', 'files'],
        clientId: settings.GOOGLE_CLIENT_ID,
        clientSecret: settings.GOOGLE_CLIENT_SECRET,
        authUrl: settings.GOOGLE_AUTH_URL,
        tokenUrl: settings.GOOGLE_TOKEN_URL,
        revokeUrl: settings.GOOGLE_REVOKE_URL,
        baseScopes: ['openid', 'email', 'profile'],
        familyScopes: {
          mail: { read: [`${GOOGLE}gmail.readonly`], write: [`${GOOGLE}gmail.modify`, `${GOOGLE}gmail.send`] },
          calendar: {
            read: [`${GOOGLE}calendar.events.readonly`, `${GOOGLE}calendar.freebusy`],
            write: [`${GOOGLE}calendar.events`],
          },
          files: { read: [`${GOOGLE}drive.readonly`], write: [`${GOOGLE}drive.file`] },
        },
        // Offline access for a refresh token; include_granted_scopes for incremental consent.
        authParams: { access_type: 'offline', include_granted_scopes: 'true', prompt: 'consent' },
        tokenAuth: 'post',
      };
    case 'microsoft': {
      const authority = settings.MICROSOFT_AUTHORITY.replace(/\/$/, '');
      return {
        provider,
        families: ['mail', 'calendar', 'files'],
        clientId: settings.MICROSOFT_CLIENT_ID,
        clientSecret: settings.MICROSOFT_CLIENT_SECRET,
        authUrl: `${authority}/oauth2/v2.0/authorize`,
        tokenUrl: `${authority}/oauth2/v2.0/token`,
        revokeUrl: settings.MICROSOFT_REVOKE_URL,
        baseScopes: ['openid', 'email', 'profile', 'offline_access', 'User.Read'],
        familyScopes: {
          mail: { read: ['Mail.Read'], write: ['Mail.ReadWrite', 'Mail.Send'] },
          calendar: { read: ['Calendars.Read'], write: ['Calendars.ReadWrite'] },
          files: { read: ['Files.Read'], write: ['Files.ReadWrite'] },
        },
        authParams: { response_mode: 'query' },
        tokenAuth: 'post',
      };
    }
    case 'notion':
      return {
        provider,
        families: ['notes'],
        clientId: settings.NOTION_CLIENT_ID,
        clientSecret: settings.NOTION_CLIENT_SECRET,
        authUrl: settings.NOTION_AUTH_URL,
        tokenUrl: settings.NOTION_TOKEN_URL,
        revokeUrl: settings.NOTION_REVOKE_URL,
        baseScopes: [],
        familyScopes: { notes: { read: [], write: [] } },
        authParams: { owner: 'user' },
        tokenAuth: 'basic-json',
      };
  }
}

/** Scopes for the given needs (unknown families for this vendor are ignored): read scopes, write ones where needed. */
export function scopesFor(config: OAuthProviderConfig, needs: FamilyNeed[]): string[] {
  const scopes = new Set(config.baseScopes);
  for (const { family, write } of needs) {
    const known = config.familyScopes[family];
    for (const scope of [...(known?.read ?? []), ...(write ? (known?.write ?? []) : [])]) scopes.add(scope);
  }
  return [...scopes];
}

/** A scope as compared with another (case aside, and Graph's scopes with or without their resource URL). */
export const normalizedScope = (scope: string) => scope.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, '');
const normalized = normalizedScope;

/** Families a granted scope list can read (all read scopes, or all write scopes, which include reading). */
export function familiesGranted(config: OAuthProviderConfig, granted: string[]): ConnectorFamily[] {
  const have = new Set(granted.map(normalized));
  const all = (scopes: string[]) => scopes.every((s) => have.has(s.toLowerCase()));
  return config.families.filter((family) => {
    const scopes = config.familyScopes[family];
    return !scopes || all(scopes.read) || (scopes.write.length > 0 && all(scopes.write));
  });
}

/** True when a requested vendor scope is one of a family's write scopes. */
export function isWriteScope(config: OAuthProviderConfig, scope: string): boolean {
  const lower = normalized(scope.trim());
  return Object.values(config.familyScopes).some((s) => s.write.some((w) => w.toLowerCase() === lower));
}

/**
 * The family a requested scope belongs to ("mail", or a vendor scope such as gmail.readonly or Mail.Read).
 * We then ask for our own scopes of that family, which cover reading and the actions a person may approve.
 */
export function familyOfScope(config: OAuthProviderConfig, scope: string): ConnectorFamily | undefined {
  const s = scope.trim();
  if ((config.families as string[]).includes(s)) return s as ConnectorFamily;
  const lower = normalized(s);
  for (const family of config.families) {
    const known = config.familyScopes[family];
    if ([...(known?.read ?? []), ...(known?.write ?? [])].some((k) => k.toLowerCase() === lower)) return family;
  }
  if (config.provider === 'notion') return 'notes';
  if (config.provider === 'google') {
    if (lower.includes('/auth/gmail') || lower.includes('mail.google.com')) return 'mail';
    if (lower.includes('/auth/calendar')) return 'calendar';
    if (lower.includes('/auth/drive') || lower.includes('/auth/documents')) return 'files';
  }
  if (config.provider === 'microsoft') {
    if (/^mail\./.test(lower)) return 'mail';
    if (/^calendars\./.test(lower)) return 'calendar';
    if (/^(files|sites)\./.test(lower)) return 'files';
  }
  return undefined;
}

/** Whether this installation can connect `provider`: it has an OAuth client (id and secret) for it. */
export function isProviderConfigured(provider: ProviderName, settings: Settings): boolean {
  const config = oauthProviderConfig(provider, settings);
  return Boolean(config.clientId && config.clientSecret);
}
