import { createTheme } from '@mui/material/styles';

/** Calm, warm neutrals with one deep teal accent; contrast checked against WCAG AA. */
export const theme = createTheme({
  palette: {
    mode: 'light',
    primary: { main: '#2f5d62', contrastText: '#ffffff' },
    secondary: { main: '#8a5a44' },
    background: { default: '#f6f5f2', paper: '#ffffff' },
    text: { primary: '#1f2526', secondary: '#4f5a5c' },
    success: { main: '#2e6b3a' },
    warning: { main: '#8a5a00' },
    info: { main: '#1d5a8a' },
    error: { main: '#b3261e' },
  },
  shape: { borderRadius: 10 },
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    h1: { fontSize: '1.75rem', fontWeight: 600 },
    h2: { fontSize: '1.25rem', fontWeight: 600 },
    h3: { fontSize: '1.05rem', fontWeight: 600 },
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    MuiPaper: { defaultProps: { elevation: 0 }, styleOverrides: { root: { border: '1px solid #e4e1da' } } },
    MuiAppBar: { styleOverrides: { root: { border: 'none' } } },
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiChip: { styleOverrides: { root: { fontWeight: 500 } } },
  },
});
