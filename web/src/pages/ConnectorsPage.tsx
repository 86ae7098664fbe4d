import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { startConsent } from '../api/connect-start';
import { useApiMutation, useApiQuery } from '../api/hooks';
import type { ConnectableProvider, Connector, Page } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { StatusChip } from '../components/StatusChip';
import { dateTime } from '../lib/format';
import { PROVIDER_LABELS, providerName } from '../lib/labels';
import { labelsOf } from '../lib/requirements';

const HEALTH_WORDS: Record<string, string> = {
  ok: 'Working. Agents can read what you allowed.',
  expiring: 'Access expires soon. Reconnect to keep agents working.',
  needs_reauth: 'Access stopped working. Reconnect to let agents read it again.',
  needs_permission: 'Your agents need more access than this account gave.',
  revoked: 'Access was removed at the provider. Reconnect or disconnect it.',
};

export function ConnectorsPage() {
  const [params] = useSearchParams();
  const connectors = useApiQuery<Page<Connector>>('/connectors');
  /** Only vendors this installation has an OAuth client for are offered (Notion often is not set up). */
  const providers = useApiQuery<{ items: ConnectableProvider[] }>('/catalog/providers');
  const [starting, setStarting] = useState<string | null>(null);
  const [authError, setAuthError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<Connector | null>(null);
  const disconnect = useApiMutation(
    (c: Connector) => ({ path: `/connectors/${encodeURIComponent(c.id)}`, method: 'DELETE' }),
    ['/connectors'],
  );
  const list = connectors.data?.items ?? [];

  const check = useApiMutation(
    (c: Connector) => ({ path: `/connectors/${encodeURIComponent(c.id)}/check`, method: 'POST' }),
    ['/connectors'],
  );

  /**
   * Opens the provider's consent page; with a connector, reconnects (or extends) that account, asking for `scopes`
   * on top of what it holds (Grant access).
   */
  const connect = async (provider: string, connectorId?: string, scopes?: string[]) => {
    setStarting(provider);
    setAuthError(null);
    try {
      await startConsent(provider, { ...(connectorId ? { connectorId } : {}), ...(scopes ? { scopes } : {}) });
    } catch (err) {
      setAuthError(err);
      setStarting(null);
    }
  };

  const justConnected = params.get('connected');
  const callbackError = params.get('error_description') ?? params.get('error');

  return (
    <>
      <PageHeader
        title="Connectors"
        subtitle="The accounts your agents may read. Tokens are encrypted and never shown."
      />
      {justConnected && (
        <Alert severity="success" sx={{ mb: 2 }}>
          {providerName(justConnected)} is connected.
        </Alert>
      )}
      {callbackError && (
        <Alert severity="error" sx={{ mb: 2 }}>
          The connection did not complete: {callbackError}
        </Alert>
      )}
      {authError ? <ErrorNotice error={authError} /> : null}
      <Section title="Connected accounts">
        {connectors.isLoading ? (
          <Loading />
        ) : connectors.error ? (
          <ErrorNotice error={connectors.error} onRetry={() => void connectors.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="Nothing connected yet">
            Connect an account below so agents have something to work with.
          </EmptyState>
        ) : (
          <Box sx={{ display: 'grid', gap: 1.5 }}>
            {list.map((c) => (
              <Paper
                key={c.id}
                variant="outlined"
                component="article"
                aria-label={`${providerName(c.provider)} ${c.account}`}
                sx={{ p: 2, display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'center' }}
              >
                <Box sx={{ flexGrow: 1, minWidth: 220 }}>
                  <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                    <Typography variant="h3" component="h3">
                      {providerName(c.provider)}
                    </Typography>
                    <StatusChip status={c.health} />
                  </Box>
                  <Typography variant="body2">{c.account}</Typography>
                  <Typography variant="body2" color="text.secondary">
                    {(c.health !== 'ok' && c.lastError) || HEALTH_WORDS[c.health]}{' '}
                    {c.connectedAt ? `Connected ${dateTime(c.connectedAt)}.` : ''}
                  </Typography>
                  {c.missingPermissions?.length ? (
                    <Box component="section" aria-label={`Missing permissions of ${providerName(c.provider)}`}>
                      <Typography variant="body2" sx={{ mt: 0.5 }}>
                        Your agents need it to:
                      </Typography>
                      <Box component="ul" sx={{ m: 0, pl: 3 }}>
                        {labelsOf(c.missingPermissions).map((label) => (
                          <Typography component="li" variant="body2" key={label}>
                            {label}
                          </Typography>
                        ))}
                      </Box>
                    </Box>
                  ) : null}
                  {c.allowed.length > 0 && (
                    <Typography variant="body2" color="text.secondary">
                      Allowed: {c.allowed.join(' · ')}
                    </Typography>
                  )}
                </Box>
                <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
                  {c.missingPermissions?.length ? (
                    <Button
                      variant="contained"
                      onClick={() =>
                        void connect(
                          c.provider,
                          c.id,
                          c.missingPermissions!.map((m) => m.scope),
                        )
                      }
                      disabled={!!starting}
                    >
                      Grant access
                    </Button>
                  ) : null}
                  <Button
                    onClick={() => check.mutate(c)}
                    disabled={check.isPending}
                    aria-label={`${check.isPending && check.variables?.id === c.id ? 'Checking…' : 'Check'} ${providerName(c.provider)} ${c.account}`}
                  >
                    {check.isPending && check.variables?.id === c.id ? 'Checking…' : 'Check'}
                  </Button>
                  <Button
                    variant={c.health === 'ok' || c.health === 'needs_permission' ? 'text' : 'contained'}
                    onClick={() => void connect(c.provider, c.id)}
                    disabled={!!starting}
                  >
                    Reconnect
                  </Button>
                  <Button color="error" onClick={() => setRemoving(c)}>
                    Disconnect
                  </Button>
                </Box>
              </Paper>
            ))}
          </Box>
        )}
        {disconnect.error && <ErrorNotice error={disconnect.error} />}
        {check.error && <ErrorNotice error={check.error} />}
      </Section>
      <Section title="Add an account">
        {providers.isLoading ? (
          <Loading />
        ) : providers.error ? (
          <ErrorNotice error={providers.error} onRetry={() => void providers.refetch()} />
        ) : !providers.data?.items.length ? (
          <EmptyState title="No accounts can be connected here">
            This installation has no provider set up yet. Ask whoever runs it to add a Google or Microsoft sign-in.
          </EmptyState>
        ) : (
          <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr', md: 'repeat(3, 1fr)' } }}>
            {providers.data.items.map(({ provider: p }) => (
              <Paper key={p} variant="outlined" sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
                <Typography sx={{ fontWeight: 600 }}>{PROVIDER_LABELS[p]}</Typography>
                <Button
                  variant="contained"
                  onClick={() => void connect(p)}
                  disabled={!!starting}
                  aria-label={`${starting === p ? 'Opening…' : `Connect ${providerName(p)}`}`}
                >
                  {starting === p ? 'Opening…' : `Connect ${providerName(p)}`}
                </Button>
              </Paper>
            ))}
          </Box>
        )}
      </Section>
      <Dialog open={!!removing} onClose={() => setRemoving(null)} aria-labelledby="disconnect-title">
        <DialogTitle id="disconnect-title">Disconnect {removing ? providerName(removing.provider) : ''}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            We revoke our access at the provider and delete the stored tokens. Agents that need this account stop until
            you connect it again.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRemoving(null)}>Keep connected</Button>
          <Button
            color="error"
            variant="contained"
            onClick={() => {
              if (removing) disconnect.mutate(removing);
              setRemoving(null);
            }}
          >
            Disconnect
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
