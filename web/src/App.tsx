import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { User, UserManager } from 'oidc-client-ts';
import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, Link as RouterLink, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api/client';
import { invalidatePaths, useApiQuery } from './api/hooks';
import type { Profile } from './api/types';
import { AuthContext, type AuthState } from './auth/AuthContext';
import { signOut, startSignIn } from './auth/session';
import { Layout } from './components/Layout';
import { EmptyState, Loading } from './components/states';
import { browserTimeZone, setDisplayTimeZone } from './lib/format';
import { AgentDetailPage } from './pages/AgentDetailPage';
import { AgentsPage } from './pages/AgentsPage';
import { AuditPage } from './pages/AuditPage';
import { CatalogPage } from './pages/CatalogPage';
import { ConnectorsPage } from './pages/ConnectorsPage';
import { HomePage } from './pages/HomePage';
import { PackInstallPage } from './pages/PackInstallPage';
import { RunDetailPage } from './pages/RunDetailPage';
import { RunsPage } from './pages/RunsPage';
import { SettingsPage } from './pages/SettingsPage';
import { ApiAccessPage } from './pages/settings/ApiAccessPage';
import { SuggestionsPage } from './pages/SuggestionsPage';
import { WorkflowEditPage } from './pages/WorkflowEditPage';

/** Charts are the heaviest code; they load when the dashboard is first opened. */
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));

function SignInScreen({ onSignIn }: { onSignIn: () => void }) {
  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }}>
      <Paper sx={{ p: { xs: 3, sm: 5 }, maxWidth: 460, width: '100%' }}>
        <Typography variant="h1" gutterBottom>
          Personal Agents
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 3 }}>
          Agents that read your mail, calendar and documents and suggest replies, events and notes. Nothing happens
          until you approve it.
        </Typography>
        <Button variant="contained" size="large" fullWidth onClick={onSignIn}>
          Sign in
        </Button>
      </Paper>
    </Box>
  );
}

function NotFound() {
  return (
    <EmptyState
      title="This page does not exist"
      action={
        <Button component={RouterLink} to="/">
          Go home
        </Button>
      }
    >
      The link may be old or mistyped.
    </EmptyState>
  );
}

/** The address emails link to (`/suggestions/<id>`): the suggestions screen with that suggestion open. */
function SuggestionLink() {
  const { suggestionId = '' } = useParams();
  return <Navigate to={`/suggestions?${new URLSearchParams({ open: suggestionId }).toString()}`} replace />;
}

/**
 * Applies the person's own time zone to every date shown. A profile never changed since it was created (the first
 * sign-in) takes the browser's zone, so schedules made from then on run in the person's hours. The screens wait for
 * the profile (or its failure): a screen drawn before it would show its times in the device's zone and keep them.
 */
function ProfileTimeZone({ children }: { children: ReactNode }) {
  const { data, isPending } = useApiQuery<Profile>('/me');
  const client = useQueryClient();
  // Set while rendering (not in an effect): the screens rendered after this one in the same pass use the zone.
  setDisplayTimeZone(data?.timezone);
  useEffect(() => {
    const browser = browserTimeZone();
    if (!data || data.createdAt !== data.updatedAt || data.timezone === browser) return;
    void apiRequest('/me', { method: 'PATCH', body: { timezone: browser } })
      .then(() => invalidatePaths(client, ['/me']))
      .catch(() => {}); // the person can still set it in Settings
  }, [data, client]);
  return isPending ? <Loading /> : children;
}

export function App({ manager, initialUser }: { manager: UserManager; initialUser: User | null }) {
  const [user, setUser] = useState<User | null>(initialUser);
  const location = useLocation();

  useEffect(() => {
    const loaded = (u: User) => setUser(u);
    const unloaded = () => setUser(null);
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(unloaded);
    manager.events.addUserSignedOut(unloaded);
    return () => {
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(unloaded);
      manager.events.removeUserSignedOut(unloaded);
    };
  }, [manager]);

  useEffect(() => {
    const main = document.getElementById('main');
    main?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  const auth = useMemo<AuthState>(
    () => ({
      manager,
      user,
      signIn: (returnTo) => startSignIn(manager, returnTo ?? location.pathname + location.search),
      signOut: () => signOut(manager),
    }),
    [manager, user, location.pathname, location.search],
  );

  if (!user) return <SignInScreen onSignIn={() => void auth.signIn()} />;

  return (
    <AuthContext.Provider value={auth}>
      <ProfileTimeZone>
        <Layout>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/catalog" element={<CatalogPage />} />
            <Route path="/catalog/packs/:packId/install" element={<PackInstallPage />} />
            <Route path="/agents" element={<AgentsPage />} />
            <Route path="/agents/new" element={<AgentDetailPage />} />
            <Route path="/agents/:agentId" element={<AgentDetailPage />} />
            <Route path="/workflows/new" element={<WorkflowEditPage />} />
            <Route path="/workflows/:workflowId" element={<WorkflowEditPage />} />
            <Route path="/runs" element={<RunsPage />} />
            <Route path="/runs/:runId" element={<RunDetailPage />} />
            <Route path="/suggestions" element={<SuggestionsPage />} />
            <Route path="/suggestions/:suggestionId" element={<SuggestionLink />} />
            <Route path="/connectors" element={<ConnectorsPage />} />
            <Route
              path="/dashboard"
              element={
                <Suspense fallback={<Loading />}>
                  <DashboardPage />
                </Suspense>
              }
            />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="/settings/api-access" element={<ApiAccessPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout>
      </ProfileTimeZone>
    </AuthContext.Provider>
  );
}
