import Chip, { type ChipProps } from '@mui/material/Chip';
import { humanize } from '../lib/format';

const COLORS: Record<string, ChipProps['color']> = {
  ok: 'success',
  completed: 'success',
  executed: 'success',
  approved: 'success',
  running: 'primary',
  pending: 'default',
  executing: 'primary',
  cancelling: 'warning',
  expiring: 'warning',
  needs_reauth: 'warning',
  needs_permission: 'warning',
  expired: 'default',
  rejected: 'default',
  undone: 'default',
  cancelled: 'default',
  canceled: 'default',
  failed: 'error',
  revoked: 'error',
  denied: 'error',
  success: 'success',
  failure: 'error',
};

const LABELS: Record<string, string> = {
  needs_reauth: 'Needs reconnecting',
  needs_permission: 'Needs permission',
  ok: 'Healthy',
};

export function StatusChip({ status, size = 'small' }: { status: string; size?: ChipProps['size'] }) {
  return (
    <Chip
      size={size}
      label={LABELS[status] ?? humanize(status)}
      color={COLORS[status] ?? 'default'}
      variant={COLORS[status] ? 'filled' : 'outlined'}
    />
  );
}
