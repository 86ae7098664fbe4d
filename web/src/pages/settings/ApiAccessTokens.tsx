import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { ApiScope } from '../../../../shared/platform/http/scopes';
import type { createdTokenSchema, tokenViewSchema } from '../../../../shared/api-access/token-model';
import { apiRequest } from '../../api/client';
import { invalidatePaths, useApiQuery } from '../../api/hooks';
import { ErrorNotice, Loading, Section } from '../../components/states';
import { ShownOnce } from './ApiAccessShownOnce';

type TokenView = z.infer<typeof tokenViewSchema>;
type CreatedToken = z.infer<typeof createdTokenSchema>;

/** Every scope with what it allows, in words (a new scope in the API fails the web app's type check until named). */
const SCOPES = {
  'suggestions:read': 'Read suggestions',
  'suggestions:decide': 'Approve and reject suggestions',
  'agents:read': 'Read agents, workflows and packs',
  'agents:write': 'Create and change agents, workflows and packs',
  'runs:read': 'Read runs',
  'runs:write': 'Start and cancel runs',
  'connectors:read': 'See connected accounts',
  'usage:read': 'Read usage',
  'audit:read': 'Read the audit trail',
  'dashboard:read': 'Read the dashboard',
} satisfies Record<ApiScope, string>;

const EXPIRY_DAYS = [7, 30, 90, 365];

/** Personal access tokens: create (scopes, expiry), see the token once, revoke. */
export function ApiAccessTokens({ onUnsavedChange }: { onUnsavedChange: (dirty: boolean) => void }) {
  const client = useQueryClient();
  const tokens = useApiQuery<{ items: TokenView[] }>('/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState(30);
  const [scopes, setScopes] = useState<ApiScope[]>(['suggestions:read']);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => onUnsavedChange(name.trim() !== ''), [name, onUnsavedChange]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const made = await apiRequest<CreatedToken>('/tokens', {
        method: 'POST',
        body: { name: name.trim(), scopes, expiresInDays: days },
      });
      setCreated(made);
      setName('');
      await invalidatePaths(client, ['/tokens']);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setError(null);
    try {
      await apiRequest(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (created?.id === id) setCreated(null);
      await invalidatePaths(client, ['/tokens']);
    } catch (err) {
      setError(err);
    }
  };

  const toggle = (scope: ApiScope, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  return (
    <Section title="Personal access tokens">
      <Typography sx={{ mb: 2 }}>
        Scripts and shortcuts use a token instead of your sign-in, only for what its scopes allow. Tokens cannot manage
        tokens, connect accounts, export or delete your data.
      </Typography>
      <Box
        component="form"
        aria-label="New token"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
        sx={{ display: 'grid', gap: 2, maxWidth: 560 }}
      >
        <TextField
          label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          slotProps={{ htmlInput: { maxLength: 100 } }}
        />
        <TextField select label="Expires after" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {EXPIRY_DAYS.map((d) => (
            <MenuItem key={d} value={d}>
              {d} days
            </MenuItem>
          ))}
        </TextField>
        <FormGroup aria-label="Scopes">
          {(Object.keys(SCOPES) as ApiScope[]).map((scope) => (
            <FormControlLabel
              key={scope}
              control={<Checkbox checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />}
              label={`${SCOPES[scope]} (${scope})`}
            />
          ))}
        </FormGroup>
        <Box>
          <Button type="submit" variant="contained" disabled={busy || !name.trim() || scopes.length === 0}>
            {busy ? 'Creating…' : 'Create token'}
          </Button>
        </Box>
      </Box>
      {created && <ShownOnce label={`Your new token "${created.name}".`} value={created.token} />}
      {error ? <ErrorNotice error={error} /> : null}
      {tokens.isLoading ? (
        <Loading />
      ) : tokens.error ? (
        <ErrorNotice error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data?.items.length === 0 ? (
        <Typography sx={{ mt: 2 }}>No tokens yet.</Typography>
      ) : (
        <List aria-label="Your tokens">
          {tokens.data?.items.map((t) => (
            <ListItem
              key={t.id}
              divider
              secondaryAction={
                <Button color="error" onClick={() => void revoke(t.id)} aria-label={`Revoke ${t.name}`}>
                  Revoke
                </Button>
              }
            >
              <ListItemText
                primary={`${t.name} (${t.prefix}…)`}
                secondary={`${t.scopes.join(', ')} · expires ${t.expiresAt.slice(0, 10)} · ${
                  t.lastUsedAt ? `last used ${t.lastUsedAt.slice(0, 16).replace('T', ' ')}` : 'never used'
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Section>
  );
}
