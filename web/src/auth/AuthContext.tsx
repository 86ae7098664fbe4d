import { createContext, useContext } from 'react';
import type { User, UserManager } from 'oidc-client-ts';

export interface AuthState {
  manager: UserManager;
  user: User | null;
  signIn(returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthContext');
  return value;
}
