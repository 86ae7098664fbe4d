import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { App } from './App';
import { ApiError, configureApi } from './api/client';
import { loadApiBase } from './api/runtime-config';
import { completeSignIn, createSession, currentToken, isSignInCallback, type ClientConfig } from './auth/session';
import { theme } from './theme';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

function renderFatal(message: string): void {
  root.render(
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <main style={{ maxWidth: 560, margin: '15vh auto', padding: 24, fontFamily: 'system-ui, sans-serif' }}>
        <h1 style={{ fontSize: '1.5rem' }}>Personal Agents could not start</h1>
        <p>{message}</p>
        <p>
          <a href="/">Try again</a>
        </p>
      </main>
    </ThemeProvider>,
  );
}

async function start(): Promise<void> {
  const apiBase = await loadApiBase();
  const response = await fetch(`${apiBase}/client-config`).catch(() => null);
  if (!response || !response.ok) {
    renderFatal('The service is not reachable right now. Check that it is running and reload the page.');
    return;
  }
  const config = (await response.json()) as ClientConfig;
  const manager = createSession(config);

  if (isSignInCallback()) {
    try {
      const returnTo = await completeSignIn(manager);
      window.history.replaceState(null, '', returnTo);
    } catch (err) {
      window.history.replaceState(null, '', '/');
      renderFatal(`Sign-in did not complete: ${(err as Error).message}. Please try again.`);
      return;
    }
  }

  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
  configureApi({
    base: apiBase,
    tokenHeader: config.tokenHeader,
    token: () => currentToken(manager),
    unauthorized: () => {
      // Back to the same address signed out: signing in again returns there (path and query, e.g. an open suggestion).
      void manager.removeUser().then(() => window.location.assign(window.location.pathname + window.location.search));
    },
  });
  let user = await manager.getUser();
  // An expired access token is renewed with the refresh token instead of asking the person to sign in again.
  if (user?.expired && user.refresh_token) {
    user = await manager.signinSilent().catch((err: Error) => {
      console.warn(`The session could not be renewed (${err.message}); please sign in again.`);
      return null;
    });
  }

  // A data router (one route for the whole app, which has its own <Routes>): screens can ask before a person leaves.
  const router = createBrowserRouter([
    { path: '*', element: <App manager={manager} initialUser={user && !user.expired ? user : null} /> },
  ]);
  root.render(
    <StrictMode>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ThemeProvider>
    </StrictMode>,
  );
}

void start();
