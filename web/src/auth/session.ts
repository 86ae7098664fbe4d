import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

export interface ClientConfig {
  authority: string;
  clientId: string;
  scopes: string;
  apiBase: string;
  /** Header to send the bearer token in. */
  tokenHeader: string;
}

/** Where to return after sign-in, carried through the OIDC `state`. */
interface SignInState {
  returnTo: string;
}

/**
 * Sign-in with OIDC authorization code + PKCE against the configured issuer. The session lives in localStorage, so a
 * link opened in a new tab (an emailed one, a middle click) is signed in as mail apps are; signing out removes it for
 * every tab. Tokens are renewed silently with the refresh token before they expire.
 */
export function createSession(config: ClientConfig): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}/`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: config.scopes,
    automaticSilentRenew: true,
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.localStorage }),
  });
}

/** True when this page load is the issuer sending the person back with a code. */
export function isSignInCallback(): boolean {
  const params = new URLSearchParams(window.location.search);
  return (params.has('code') || params.has('error')) && params.has('state');
}

/** Completes a sign-in callback and returns the path the person wanted. */
export async function completeSignIn(manager: UserManager): Promise<string> {
  const user = await manager.signinRedirectCallback();
  const state = user.state as SignInState | undefined;
  const returnTo = state?.returnTo && state.returnTo.startsWith('/') ? state.returnTo : '/';
  return returnTo;
}

export function startSignIn(manager: UserManager, returnTo: string): Promise<void> {
  const state: SignInState = { returnTo };
  return manager.signinRedirect({ state });
}

export async function signOut(manager: UserManager): Promise<void> {
  const user = await manager.getUser();
  const metadata = await manager.metadataService.getMetadata().catch(() => null);
  if (metadata?.end_session_endpoint) {
    await manager.signoutRedirect({ id_token_hint: user?.id_token });
  } else {
    await manager.removeUser();
    window.location.assign('/');
  }
}

export async function currentToken(manager: UserManager): Promise<string | null> {
  let user: User | null = await manager.getUser();
  if (user && user.expired) {
    user = await manager.signinSilent().catch(() => null);
  }
  return user?.access_token ?? null;
}
