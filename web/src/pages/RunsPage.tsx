import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useApiQuery } from '../api/hooks';
import type { Agent, Page, Run } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states';
import { StatusChip } from '../components/StatusChip';
import { count, dateTime, money } from '../lib/format';
import { isActive, totalTokens } from '../lib/run';

const STATUSES = ['', 'running', 'completed', 'failed', 'stopped', 'cancelled'];

export function RunsPage() {
  const [status, setStatus] = useState('');
  const [agentId, setAgentId] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  const runs = useApiQuery<Page<Run>>(
    '/orchestration/runs',
    { status, agentId, cursor, limit: 25 },
    {
      refetchInterval: (q) => (q.state.data?.items.some(isActive) ? 3000 : false),
    },
  );

  return (
    <>
      <PageHeader title="Runs" subtitle="Every time an agent ran, what it read, what it cost and what it proposed." />
      <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <TextField
          select
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
            setCursors([]);
          }}
          sx={{ minWidth: 160 }}
          size="small"
        >
          {STATUSES.map((s) => (
            <MenuItem key={s} value={s}>
              {s ? s[0]!.toUpperCase() + s.slice(1) : 'Any status'}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Agent"
          value={agentId}
          onChange={(e) => {
            setAgentId(e.target.value);
            setCursors([]);
          }}
          sx={{ minWidth: 200 }}
          size="small"
        >
          <MenuItem value="">All agents</MenuItem>
          {(agents.data?.items ?? []).map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.name}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {runs.isLoading ? (
        <Loading />
      ) : runs.error ? (
        <ErrorNotice error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data!.items.length === 0 ? (
        <EmptyState
          title="No runs to show"
          action={
            <Button component={RouterLink} to="/agents" variant="contained">
              Go to agents
            </Button>
          }
        >
          {status || agentId ? 'Nothing matches these filters.' : 'Run an agent and it appears here.'}
        </EmptyState>
      ) : (
        <TableContainer
          component={Paper}
          tabIndex={0}
          role="region"
          aria-label="Runs (scrolls sideways on small screens)"
        >
          <Table aria-label="Runs">
            <TableHead>
              <TableRow>
                <TableCell>Agent</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Started</TableCell>
                <TableCell align="right">Tokens</TableCell>
                <TableCell align="right">Cost</TableCell>
                <TableCell align="right">Suggestions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {runs.data!.items.map((r) => (
                <TableRow key={r.id} hover>
                  <TableCell>
                    <RouterLink to={`/runs/${encodeURIComponent(r.id)}`}>{r.target.name}</RouterLink>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={r.status} />
                  </TableCell>
                  <TableCell>
                    {dateTime(r.startedAt ?? r.createdAt)}
                    {r.trigger.type === 'schedule' ? ' (scheduled)' : ''}
                  </TableCell>
                  <TableCell align="right">{count(totalTokens(r.tokens))}</TableCell>
                  <TableCell align="right">{money(r.costUsd)}</TableCell>
                  <TableCell align="right">{count(r.suggestionIds.length)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
        {cursors.length > 0 && <Button onClick={() => setCursors((c) => c.slice(0, -1))}>Newer</Button>}
        {runs.data?.nextCursor && (
          <Button onClick={() => setCursors((c) => [...c, runs.data!.nextCursor!])}>Older</Button>
        )}
      </Box>
    </>
  );
}
