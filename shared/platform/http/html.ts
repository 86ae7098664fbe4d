/** Escapes text for safe inclusion in HTML. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A small, self-contained page (no external assets) for flows that end outside the SPA (email-link decisions,
 * connecting an account), dressed like the web app: its name in the teal bar, its colours, type and focus outlines.
 */
export function renderPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style></head>
<body><header><p class="brand">Personal Agents</p></header><main>${bodyHtml}</main></body></html>`;
}

/** The web app's look (web/src/theme.ts) in plain CSS. */
const PAGE_STYLE = [
  'body{margin:0;background:#f6f5f2;color:#1f2526;line-height:1.5;',
  'font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}',
  'header{background:#2f5d62;color:#fff;padding:.85rem 1rem}',
  '.brand{margin:0 auto;max-width:40rem;font-weight:600;font-size:1.15rem}',
  'main{max-width:40rem;margin:2rem auto;padding:0 1rem}',
  'h1{font-size:1.5rem;font-weight:600}',
  '.card{background:#fff;border:1px solid #e4e1da;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}',
  'button{font:inherit;font-weight:600;padding:.5rem 1.1rem;border-radius:10px;border:1px solid #2f5d62;',
  'background:#2f5d62;color:#fff;cursor:pointer}',
  'button.secondary{background:#fff;color:#1f2526;border-color:#c9c4ba}',
  'a{color:#1d5a8a}',
  ':focus-visible{outline:3px solid #1d5a8a;outline-offset:2px}',
  'pre{white-space:pre-wrap;background:#fff;border:1px solid #e4e1da;padding:.75rem;border-radius:10px}',
  '.muted{color:#4f5a5c}',
].join('');
