import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useApiQuery } from '../api/hooks';
import type { AuditEntry, Page } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states';
import { StatusChip } from '../components/StatusChip';
import { dateTime, humanize } from '../lib/format';

const who = (actor: AuditEntry['actor']): string =>
  actor.type === 'person' ? 'You' : (actor.name ?? (actor.type === 'agent' ? 'An agent' : 'The platform'));

export function AuditPage() {
  const [type, setType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const query = {
    type: type.trim() || undefined,
    from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined,
    to: to ? new Date(`${to}T23:59:59.999`).toISOString() : undefined,
    cursor,
    limit: 50,
  };
  const audit = useApiQuery<Page<AuditEntry>>('/audit', query);
  const reset = () => setCursors([]);

  return (
    <>
      <PageHeader
        title="Audit trail"
        subtitle="Everything done in your account, by you or your agents, newest first."
      />
      <Box
        component="form"
        role="search"
        aria-label="Filter the audit trail"
        onSubmit={(e) => e.preventDefault()}
        sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap' }}
      >
        <TextField
          size="small"
          label="Action"
          placeholder="e.g. suggestion.approve"
          value={type}
          onChange={(e) => {
            setType(e.target.value);
            reset();
          }}
        />
        <TextField
          size="small"
          type="date"
          label="From"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value);
            reset();
          }}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          size="small"
          type="date"
          label="To"
          value={to}
          onChange={(e) => {
            setTo(e.target.value);
            reset();
          }}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Box>
      {audit.isLoading ? (
        <Loading />
      ) : audit.error ? (
        <ErrorNotice error={audit.error} onRetry={() => void audit.refetch()} />
      ) : audit.data!.items.length === 0 ? (
        <EmptyState title="Nothing recorded">
          {type || from || to ? 'Nothing matches these filters.' : 'Actions appear here as they happen.'}
        </EmptyState>
      ) : (
        <TableContainer
          component={Paper}
          tabIndex={0}
          role="region"
          aria-label="Audit trail (scrolls sideways on small screens)"
        >
          <Table size="small" aria-label="Audit trail">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>What happened</TableCell>
                <TableCell>Action</TableCell>
                <TableCell>Outcome</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {audit.data!.items.map((e) => (
                <TableRow key={e.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{dateTime(e.at)}</TableCell>
                  <TableCell>{who(e.actor)}</TableCell>
                  <TableCell>{e.summary}</TableCell>
                  <TableCell>
                    <code>{e.action}</code>
                    <br />
                    <Typography component="span" variant="body2" color="text.secondary">
                      from {humanize(e.source)}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={e.outcome} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
        {cursors.length > 0 && <Button onClick={() => setCursors((c) => c.slice(0, -1))}>Newer</Button>}
        {audit.data?.nextCursor && (
          <Button onClick={() => setCursors((c) => [...c, audit.data!.nextCursor!])}>Older</Button>
        )}
      </Box>
    </>
  );
}
