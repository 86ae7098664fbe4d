import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { apiRequest, plainError } from '../api/client';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { Agent, BulkResult, Page, Suggestion } from '../api/types';
import { BulkSendConfirm, sendingCount } from '../components/BulkSendConfirm';
import { DecisionToast, type Toast } from '../components/DecisionToast';
import { Icon } from '../components/Icon';
import { useInboxKeys } from '../components/InboxKeys';
import { SuggestionDialog, type Decision } from '../components/SuggestionDialog';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states';
import { StatusChip } from '../components/StatusChip';
import { humanize, relative } from '../lib/format';
import { KIND_LABELS, suggestionTitle } from '../lib/labels';
import { firstWords, sendersOf } from '../lib/sources';

const STATUS_TABS = [
  { value: 'pending', label: 'To review' },
  // In the order things happen: approved items stay in Approved until they are carried out, then they are Done.
  { value: 'approved', label: 'Approved' },
  { value: 'executed', label: 'Done' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'expired', label: 'Expired' },
  { value: 'failed', label: 'Failed' },
];

type Sort = 'newest' | 'oldest' | 'expiring';

function sortItems(items: Suggestion[], sort: Sort): Suggestion[] {
  const t = (v?: string | null) => (v ? new Date(v).getTime() : Number.POSITIVE_INFINITY);
  const copy = [...items];
  if (sort === 'expiring') return copy.sort((a, b) => t(a.expiresAt) - t(b.expiresAt));
  if (sort === 'oldest') return copy.sort((a, b) => t(a.createdAt) - t(b.createdAt));
  return copy.sort((a, b) => t(b.createdAt) - t(a.createdAt));
}

/** After approving: a held send counts down with Undo; an action that cannot be taken back offers no Undo. */
function approvedToast(after: Suggestion, edited: boolean): Toast {
  const changes = edited ? ' with your changes' : '';
  if (after.heldUntil) {
    return { severity: 'info', message: `Approved${changes}.`, undoId: after.id, until: Date.parse(after.heldUntil) };
  }
  if (after.sends) return { severity: 'success', message: `Approved${changes}. Sending now.` };
  if (after.kind === 'task') {
    return {
      severity: 'success',
      message: `Task recorded${changes}. Find your tasks under Done, filtered by "Add a task".`,
    };
  }
  return {
    severity: 'success',
    message: `Approved${changes}.`,
    ...(after.undo.description ? { undoId: after.id } : {}),
  };
}

function decidedToast(action: 'reject' | 'undo', after: Suggestion): Toast {
  if (action === 'reject') return { severity: 'success', message: 'Rejected. Nothing was done.' };
  return after.sends
    ? { severity: 'info', message: 'Sending cancelled. Nothing was sent.' }
    : { severity: 'success', message: 'Undone.' };
}

export function SuggestionsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'pending';
  const openId = params.get('open');
  /** In the address, so a filtered list can be linked to (recorded tasks: `?status=executed&kind=task`). */
  const kind = params.get('kind') ?? '';
  const [sort, setSort] = useState<Sort>('newest');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const [confirmingSend, setConfirmingSend] = useState(false);
  const client = useQueryClient();
  const listKey = ['/suggestions', { status, limit: 100 }];
  const list = useApiQuery<Page<Suggestion>>(
    '/suggestions',
    { status, limit: 100 },
    {
      refetchOnMount: 'always',
      // Approved actions are carried out in the background: their outcome shows up without a reload.
      refetchInterval: (q) =>
        q.state.data?.items.some((s) => s.status === 'approved' || s.status === 'executing')
          ? 2000
          : ['executed', 'approved', 'failed'].includes(status)
            ? 4000
            : false,
    },
  );

  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  /** The agent's name as the person set it; a deleted agent's template instead. */
  const agentName = (s: Suggestion) =>
    agents.data?.items.find((a) => a.id === s.origin.agentId)?.name ?? humanize(s.origin.templateId);

  const items = useMemo(
    () =>
      sortItems(
        (list.data?.items ?? []).filter((s) => !kind || s.kind === kind),
        sort,
      ),
    [list.data, kind, sort],
  );
  const kinds = [...new Set([...(list.data?.items ?? []).map((s) => s.kind), ...(kind ? [kind] : [])])];

  /**
   * Changes one parameter of the address as it is now (not as it was when this render's callbacks were made), so an
   * answer arriving late never undoes what was done meanwhile. With `onlyIf`, only while the parameter has that value.
   */
  const setParam = (key: string, value: string | null, onlyIf?: string) => {
    const next = new URLSearchParams(window.location.search);
    if (onlyIf !== undefined && next.get(key) !== onlyIf) return;
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: key === 'open' && value === null });
  };

  /** Removes decided items from the pending list at once; puts them back if the API refuses. */
  const optimisticRemove = (ids: string[]) => {
    const previous = client.getQueryData<Page<Suggestion>>(listKey);
    if (status === 'pending' && previous) {
      client.setQueryData<Page<Suggestion>>(listKey, {
        ...previous,
        items: previous.items.filter((s) => !ids.includes(s.id)),
      });
    }
    return () => previous && client.setQueryData(listKey, previous);
  };

  const refresh = () => invalidatePaths(client, ['/suggestions', '/dashboard', '/audit', '/usage']);

  const decide = async (d: Decision): Promise<boolean> => {
    setBusy(true);
    setActionError(null);
    const rollback = d.action === 'undo' ? () => {} : optimisticRemove([d.id]);
    try {
      const path = `/suggestions/${encodeURIComponent(d.id)}/${d.action}`;
      const body =
        d.action === 'approve'
          ? d.edits
            ? { edits: d.edits }
            : {}
          : d.action === 'reject'
            ? d.reason
              ? { reason: d.reason }
              : {}
            : undefined;
      const after = await apiRequest<Suggestion>(path, { method: 'POST', body });
      // Closes this suggestion if it is still the one open, not one opened while the decision was saved.
      setParam('open', null, d.id);
      setToast(d.action === 'approve' ? approvedToast(after, !!d.edits) : decidedToast(d.action, after));
      return true;
    } catch (err) {
      rollback();
      setActionError(err);
      return false;
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const bulk = async (action: 'approve' | 'reject') => {
    const ids = [...selected];
    setBusy(true);
    setActionError(null);
    const rollback = optimisticRemove(ids);
    try {
      const result = await apiRequest<BulkResult>('/suggestions/bulk', { method: 'POST', body: { ids, action } });
      const failed = result.results.filter((r) => !r.ok);
      setSelected(new Set());
      setToast({
        severity: failed.length ? 'error' : 'success',
        message: failed.length
          ? `${ids.length - failed.length} of ${ids.length} ${action === 'approve' ? 'approved' : 'rejected'}. ${failed.length} could not be: ${[...new Set(failed.map((f) => f.error?.detail ?? 'refused'))].join('; ')}`
          : `${ids.length} ${action === 'approve' ? 'approved' : 'rejected'}.`,
      });
    } catch (err) {
      rollback();
      setActionError(err);
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const undo = async (id: string) => {
    setToast(null);
    try {
      const after = await apiRequest<Suggestion>(`/suggestions/${encodeURIComponent(id)}/undo`, { method: 'POST' });
      setToast(decidedToast('undo', after));
    } catch (err) {
      setToast({ severity: 'error', message: `Could not undo: ${plainError(err)}` });
    } finally {
      void refresh();
    }
  };

  const keys = useInboxKeys({
    items,
    active: !openId && !confirmingSend,
    decidable: status === 'pending',
    busy,
    open: (id) => setParam('open', id),
    approve: (s) => void decide({ id: s.id, action: 'approve' }),
    reject: (s) => void decide({ id: s.id, action: 'reject' }),
    title: suggestionTitle,
  });

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <PageHeader
        title="Suggestions"
        subtitle="Nothing happens until you approve it. Review, edit, approve or reject. Press ? for keyboard shortcuts."
      />
      {keys.announcement}
      {keys.help}
      <Tabs
        value={status}
        onChange={(_, v: string) => {
          setParam('status', v);
          setSelected(new Set());
        }}
        variant="scrollable"
        allowScrollButtonsMobile
        aria-label="Suggestion status"
        sx={{ mb: 2 }}
      >
        {STATUS_TABS.map((t) => (
          <Tab key={t.value} value={t.value} label={t.label} />
        ))}
      </Tabs>
      <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <TextField
          select
          size="small"
          label="Kind"
          value={kind}
          onChange={(e) => setParam('kind', e.target.value || null)}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value="">All kinds</MenuItem>
          {kinds.map((k) => (
            <MenuItem key={k} value={k}>
              {KIND_LABELS[k] ?? k}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Sort"
          value={sort}
          onChange={(e) => setSort(e.target.value as Sort)}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value="newest">Newest first</MenuItem>
          <MenuItem value="oldest">Oldest first</MenuItem>
          <MenuItem value="expiring">Expiring soonest</MenuItem>
        </TextField>
        {status === 'pending' && items.length > 0 && (
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', ml: { sm: 'auto' }, flexWrap: 'wrap' }}>
            <Checkbox
              checked={selected.size > 0 && selected.size === items.length}
              indeterminate={selected.size > 0 && selected.size < items.length}
              onChange={(e) => setSelected(e.target.checked ? new Set(items.map((s) => s.id)) : new Set())}
              slotProps={{ input: { 'aria-label': 'Select all' } }}
            />
            <Button
              variant="contained"
              disabled={busy || selected.size === 0}
              onClick={() =>
                sendingCount(items, selected).emails > 0 ? setConfirmingSend(true) : void bulk('approve')
              }
            >
              Approve selected ({selected.size})
            </Button>
            <Button color="error" disabled={busy || selected.size === 0} onClick={() => void bulk('reject')}>
              Reject selected
            </Button>
          </Box>
        )}
      </Box>
      {actionError && !openId ? <ErrorNotice error={actionError} /> : null}
      {list.isLoading ? (
        <Loading />
      ) : list.error ? (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={status === 'pending' ? "You're all caught up" : 'Nothing here'}>
          {status === 'pending'
            ? 'When your agents propose something, it waits here for you.'
            : 'No suggestions with this status.'}
        </EmptyState>
      ) : (
        <Box
          component="ul"
          aria-label="Suggestions"
          // minmax(0, 1fr): a long title is cut with an ellipsis instead of widening the page.
          sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 1 }}
        >
          {items.map((s) => {
            const flags = s.riskFlags;
            const title = suggestionTitle(s);
            const from = sendersOf(s);
            const words = firstWords(s);
            const preview = [from, words].filter(Boolean).join(' — ');
            return (
              <Paper
                component="li"
                key={s.id}
                // The whole row opens the suggestion (a tap target for phones); its Review button does the same
                // for keyboards and screen readers, so the row itself needs no role.
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('button, input, a, label')) setParam('open', s.id);
                }}
                sx={{
                  p: 1.5,
                  display: 'flex',
                  gap: 1.5,
                  alignItems: 'center',
                  cursor: 'pointer',
                  '&:hover': { bgcolor: 'action.hover' },
                  // The row the keyboard shortcuts act on.
                  ...(keys.currentId === s.id ? { boxShadow: (t) => `inset 4px 0 0 ${t.palette.primary.main}` } : {}),
                }}
              >
                {status === 'pending' && (
                  <Checkbox
                    checked={selected.has(s.id)}
                    onChange={() => toggle(s.id)}
                    slotProps={{ input: { 'aria-label': `Select ${title}` } }}
                  />
                )}
                <Box sx={{ flexGrow: 1, minWidth: 0 }}>
                  <Typography sx={{ fontWeight: 600 }} noWrap title={title}>
                    {title}
                  </Typography>
                  {preview && (
                    <Typography variant="body2" noWrap title={preview}>
                      {from && <strong>{from}</strong>}
                      {from && words ? ' — ' : ''}
                      {words}
                    </Typography>
                  )}
                  <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', mt: 0.25 }}>
                    <Typography variant="body2" color="text.secondary">
                      {agentName(s)} · {relative(s.createdAt)}
                    </Typography>
                    {s.expiresAt && status === 'pending' && (
                      <Typography variant="body2" color="text.secondary">
                        · expires {relative(s.expiresAt)}
                      </Typography>
                    )}
                    {flags.length > 0 && (
                      <Chip
                        size="small"
                        color="warning"
                        variant="outlined"
                        icon={<Icon name="warning" fontSize="small" />}
                        label={flags.length === 1 ? '1 risk' : `${flags.length} risks`}
                      />
                    )}
                    {status === 'pending' && flags.some((f) => f.blocking) && (
                      <Chip size="small" color="error" variant="outlined" label="Approve in the app only" />
                    )}
                    {status !== 'pending' && <StatusChip status={s.status} />}
                  </Box>
                </Box>
                <Button
                  id={`review-${s.id}`}
                  variant="outlined"
                  onClick={() => setParam('open', s.id)}
                  aria-label={`Review ${title}`}
                >
                  Review
                </Button>
              </Paper>
            );
          })}
        </Box>
      )}
      {openId && (
        <SuggestionDialog
          key={openId}
          id={openId}
          onClose={() => {
            setParam('open', null);
            setActionError(null);
          }}
          onDecide={decide}
          busy={busy}
          error={actionError}
        />
      )}
      {confirmingSend && (
        <BulkSendConfirm
          counts={sendingCount(items, selected)}
          total={selected.size}
          onCancel={() => setConfirmingSend(false)}
          onConfirm={() => {
            setConfirmingSend(false);
            void bulk('approve');
          }}
        />
      )}
      <DecisionToast toast={toast} onUndo={(id) => void undo(id)} onClose={() => setToast(null)} />
    </>
  );
}
