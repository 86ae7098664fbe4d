import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { apiRequest } from '../api/client';
import type { Agent, Page, Workflow } from '../api/types';
import { plural } from '../lib/plural';

/** An agent or workflow that runs on a schedule, and where its PATCH goes. */
export interface ScheduledItem {
  path: string;
  name: string;
  schedule: { cron: string; timezone: string };
}

/** The agents and workflows whose schedules run in `zone`. */
export async function schedulesIn(zone: string): Promise<ScheduledItem[]> {
  const [agents, workflows] = await Promise.all([
    apiRequest<Page<Agent>>('/agents', { query: { limit: 100 } }),
    apiRequest<Page<Workflow>>('/workflows', { query: { limit: 100 } }),
  ]);
  return [
    ...agents.items.map((a) => ({ path: `/agents/${encodeURIComponent(a.id)}`, name: a.name, schedule: a.schedule })),
    ...workflows.items.map((w) => ({
      path: `/workflows/${encodeURIComponent(w.id)}`,
      name: w.name,
      schedule: w.schedule,
    })),
  ].filter((i): i is ScheduledItem => i.schedule?.timezone === zone);
}

/** Moves each schedule to `zone`, keeping its times of day (08:00 stays 08:00, now in the new zone). */
export async function moveSchedules(items: ScheduledItem[], zone: string): Promise<void> {
  for (const item of items) {
    await apiRequest(item.path, { method: 'PATCH', body: { schedule: { cron: item.schedule.cron, timezone: zone } } });
  }
}

/** After the person's time zone changed: move the schedules that ran in the old zone, or keep them there. */
export function MoveSchedulesDialog({
  items,
  from,
  to,
  busy,
  onMove,
  onKeep,
}: {
  items: ScheduledItem[];
  from: string;
  to: string;
  busy: boolean;
  onMove: () => void;
  onKeep: () => void;
}) {
  return (
    <Dialog open onClose={onKeep} aria-labelledby="move-schedules-title">
      <DialogTitle id="move-schedules-title">
        Move {plural(items.length, 'schedule', 'schedules')} to {to}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          {items.map((i) => i.name).join(', ')} {items.length === 1 ? 'runs' : 'run'} in {from}. Moving keeps the times
          of day: 08:00 stays 08:00, in {to}.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onKeep} disabled={busy}>
          Keep them in {from}
        </Button>
        <Button variant="contained" onClick={onMove} disabled={busy}>
          Move them
        </Button>
      </DialogActions>
    </Dialog>
  );
}
