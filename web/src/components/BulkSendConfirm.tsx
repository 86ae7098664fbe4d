import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { Suggestion } from '../api/types';
import { plural } from '../lib/plural';

export interface SendCounts {
  /** Selected suggestions that send mail. */
  emails: number;
  /** Of those, how many go to addresses outside the person's own. */
  outside: number;
}

/** How many of the selected suggestions send mail, and how many of those to outside addresses. */
export function sendingCount(items: Suggestion[], selected: Set<string>): SendCounts {
  const sending = items.filter((s) => selected.has(s.id) && s.sends);
  return {
    emails: sending.length,
    outside: sending.filter((s) => s.riskFlags.some((f) => f.code === 'external-recipients')).length,
  };
}

/** Bulk approval that sends mail asks first and says how many emails will go out. */
export function BulkSendConfirm({
  counts,
  total,
  onCancel,
  onConfirm,
}: {
  counts: SendCounts;
  total: number;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const emails = plural(counts.emails, 'email', 'emails');
  const title = `Send ${emails}?`;
  return (
    <Dialog open onClose={onCancel} aria-labelledby="bulk-send-title">
      <DialogTitle id="bulk-send-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Approving {plural(total, 'suggestion', 'suggestions')} sends {emails}
          {counts.outside > 0 ? `, ${counts.outside} of them to people outside your own address` : ''}. A sent email
          cannot be called back.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} autoFocus>
          Cancel
        </Button>
        <Button variant="contained" onClick={onConfirm}>
          Send {emails}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
