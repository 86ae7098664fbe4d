import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useEffect, useRef, type ReactNode } from 'react';
import { useBlocker } from 'react-router-dom';

/**
 * Asks before unsaved changes are lost: leaving for another screen of the app opens "Discard your changes?", and
 * closing or reloading the tab gets the browser's own question. `allowLeaving()` lets the next navigation through
 * (after a save). Returns the dialog to render.
 */
export function useLeaveGuard(dirty: boolean): { dialog: ReactNode; allowLeaving: () => void } {
  const allowed = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !allowed.current && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (!dirty) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty]);

  const dialog =
    blocker.state === 'blocked' ? (
      <Dialog open onClose={() => blocker.reset()} aria-labelledby="leave-title">
        <DialogTitle id="leave-title">Discard your changes?</DialogTitle>
        <DialogContent>
          <DialogContentText>You changed this page and have not saved it.</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => blocker.reset()} autoFocus>
            Keep editing
          </Button>
          <Button color="error" onClick={() => blocker.proceed()}>
            Discard
          </Button>
        </DialogActions>
      </Dialog>
    ) : null;
  return {
    dialog,
    allowLeaving: () => {
      allowed.current = true;
    },
  };
}
