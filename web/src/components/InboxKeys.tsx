import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import { useEffect, useState, type ReactNode } from 'react';
import type { Suggestion } from '../api/types';

/** The inbox's keys, as mail apps have them. */
const KEYS: [string, string][] = [
  ['j', 'Next suggestion'],
  ['k', 'Previous suggestion'],
  ['Enter or o', 'Open it'],
  ['a', 'Approve it (one that sends mail opens first, to send from there)'],
  ['r', 'Reject it'],
  ['?', 'Show these keys'],
];

const STILL_SAVING = 'Still saving the last decision: press the key again in a moment.';

/** Keys typed into a field, a menu or a dialog are theirs: the inbox's keys never act then. */
function typingOrElsewhere(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return true;
  return !!el.closest('[role="dialog"], [role="listbox"], [role="menu"], [role="combobox"]');
}

/**
 * Keyboard shortcuts for the suggestions inbox: j/k move through the list (the row's Review button takes focus, so a
 * screen reader reads it), Enter or o opens, a approves, r rejects, ? lists the keys. Each move and decision is
 * also said in a polite live region. Off while a suggestion or another dialog is open.
 */
export function useInboxKeys(opts: {
  items: Suggestion[];
  active: boolean;
  /** Suggestions in this list can still be decided (the pending tab). */
  decidable: boolean;
  /** A decision is being saved; another waits for it. */
  busy: boolean;
  open: (id: string) => void;
  approve: (s: Suggestion) => void;
  reject: (s: Suggestion) => void;
  title: (s: Suggestion) => string;
}): { currentId: string | null; announcement: ReactNode; help: ReactNode } {
  const { items, active, decidable, busy, open, approve, reject, title } = opts;
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [showHelp, setShowHelp] = useState(false);

  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (typingOrElsewhere(e)) return;
      // The row whose Review button has focus (reached with Tab too), else the last one moved to.
      const focused = /^review-(.+)$/.exec(document.activeElement?.id ?? '')?.[1];
      const index = items.findIndex((s) => s.id === (focused ?? currentId));
      const current = index >= 0 ? items[index] : undefined;
      const moveTo = (i: number) => {
        const next = items[Math.max(0, Math.min(items.length - 1, i))];
        if (!next) return;
        setCurrentId(next.id);
        setSaid(`${items.indexOf(next) + 1} of ${items.length}: ${title(next)}`);
        document.getElementById(`review-${next.id}`)?.focus();
      };
      switch (e.key) {
        case 'j':
          moveTo(index + 1);
          break;
        case 'k':
          moveTo(index < 0 ? 0 : index - 1);
          break;
        case 'o':
        case 'Enter':
          if (!current) return;
          // Enter on a focused button presses it already; the row opens once either way.
          if (e.key === 'Enter' && (e.target as HTMLElement).closest('button, a')) return;
          open(current.id);
          break;
        case 'a':
          if (!current || !decidable) return;
          // Opening decides nothing, so it never waits for a decision being saved.
          if (current.sends || current.riskFlags.some((f) => f.blocking)) {
            setSaid(`Opened ${title(current)}: approve it from there.`);
            open(current.id);
          } else if (busy) {
            setSaid(STILL_SAVING);
          } else {
            setSaid(`Approving ${title(current)}.`);
            approve(current);
          }
          break;
        case 'r':
          if (!current || !decidable) return;
          if (busy) {
            setSaid(STILL_SAVING);
          } else {
            setSaid(`Rejecting ${title(current)}.`);
            reject(current);
          }
          break;
        case '?':
          setShowHelp(true);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, items, currentId, decidable, busy, open, approve, reject, title]);

  const announcement = (
    <Box role="status" aria-live="polite" sx={visuallyHidden}>
      {said}
    </Box>
  );
  const help = showHelp ? (
    <Dialog open onClose={() => setShowHelp(false)} aria-labelledby="inbox-keys-title">
      <DialogTitle id="inbox-keys-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: 1, m: 0 }}>
          {KEYS.map(([key, what]) => (
            <Box key={key} sx={{ display: 'contents' }}>
              <Box component="dt" sx={{ fontFamily: 'monospace', fontWeight: 700 }}>
                {key}
              </Box>
              <Box component="dd" sx={{ m: 0 }}>
                {what}
              </Box>
            </Box>
          ))}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => setShowHelp(false)} autoFocus>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  ) : null;
  return { currentId, announcement, help };
}

/** Read by screen readers, not drawn (in pixels: MUI's sx reads 1 as 100%). */
const visuallyHidden = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  margin: '-1px',
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;
