import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useEffect, useRef, useState, type ReactNode } from 'react';
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
      <DiscardQuestion onKeep={() => blocker.reset()} onDiscard={() => blocker.proceed()}>
        You changed this page and have not saved it.
      </DiscardQuestion>
    ) : null;
  return {
    dialog,
    allowLeaving: () => {
      allowed.current = true;
    },
  };
}

/**
 * The same question for a dialog: `close()` closes at once when nothing changed, and asks "Discard your changes?"
 * first when something did. Returns the question to render beside the dialog.
 */
export function useCloseGuard(dirty: boolean, onClose: () => void): { close: () => void; question: ReactNode } {
  const [asking, setAsking] = useState(false);
  const question = asking ? (
    <DiscardQuestion onKeep={() => setAsking(false)} onDiscard={onClose}>
      You changed this and have not saved it.
    </DiscardQuestion>
  ) : null;
  return { close: () => (dirty ? setAsking(true) : onClose()), question };
}

function DiscardQuestion({
  onKeep,
  onDiscard,
  children,
}: {
  onKeep: () => void;
  onDiscard: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog open onClose={onKeep} aria-labelledby="leave-title">
      <DialogTitle id="leave-title">Discard your changes?</DialogTitle>
      <DialogContent>
        <DialogContentText>{children}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onKeep} autoFocus>
          Keep editing
        </Button>
        <Button color="error" onClick={onDiscard}>
          Discard
        </Button>
      </DialogActions>
    </Dialog>
  );
}
