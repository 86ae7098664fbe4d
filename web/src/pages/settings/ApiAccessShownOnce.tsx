import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useState } from 'react';

/** A secret shown once, with a copy button: it cannot be shown again after this. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Alert severity="warning" sx={{ mt: 2 }}>
      <Box component="p" sx={{ m: 0, mb: 1 }}>
        {label} Copy it now: it is shown only once.
      </Box>
      <Box component="code" aria-label={label} sx={{ display: 'block', wordBreak: 'break-all', mb: 1 }}>
        {value}
      </Box>
      <Button
        size="small"
        variant="outlined"
        onClick={() =>
          void navigator.clipboard
            .writeText(value)
            .then(() => setCopied(true))
            .catch(() => setCopied(false))
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </Alert>
  );
}
