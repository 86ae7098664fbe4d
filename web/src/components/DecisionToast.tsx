import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useEffect, useState } from 'react';

/** What a decision did, said once; `undoId` offers Undo, `until` (ms) counts down a held send. */
export interface Toast {
  message: string;
  severity: 'success' | 'info' | 'error';
  undoId?: string;
  /** A held send goes out at this time: the toast counts down to it and stays while Undo can still work. */
  until?: number;
}

const SHOWN_MS = 8000;

/** Seconds left until `until`, ticking every second while shown. */
function useSecondsLeft(until: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === undefined ? undefined : Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * The message after approving, rejecting or undoing. Success, information and failure look different (a failure
 * is never green), and Undo is offered only when it can still work.
 */
export function DecisionToast({
  toast,
  onUndo,
  onClose,
}: {
  toast: Toast | null;
  onUndo: (id: string) => void;
  onClose: () => void;
}) {
  const left = useSecondsLeft(toast?.until);
  const held = left !== undefined;
  const message = held
    ? left > 0
      ? `${toast!.message} Sending in ${left} ${left === 1 ? 'second' : 'seconds'}.`
      : `${toast!.message} Sending now.`
    : toast?.message;
  const canUndo = !!toast?.undoId && (!held || left > 0);
  const duration = toast?.until ? Math.max(toast.until - Date.now(), 0) + 2000 : SHOWN_MS;
  return (
    <Snackbar
      open={!!toast}
      autoHideDuration={toast?.severity === 'error' ? null : duration}
      onClose={(_, reason) => reason !== 'clickaway' && onClose()}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert
        severity={toast?.severity ?? 'success'}
        variant="filled"
        onClose={onClose}
        action={
          canUndo ? (
            <Button color="inherit" size="small" onClick={() => onUndo(toast.undoId!)}>
              Undo
            </Button>
          ) : undefined
        }
      >
        {message}
      </Alert>
    </Snackbar>
  );
}
