/**
 * Dashboard series arrive either wide (`[{ day, completed: 3, failed: 1 }]`) or long
 * (`[{ day, status: 'completed', count: 3 }]`); charts want them wide.
 */
export function widen(rows: unknown, keyField: string, valueField: string): { rows: Record<string, number | string>[]; keys: string[] } {
  if (!Array.isArray(rows)) return { rows: [], keys: [] };
  const byDay = new Map<string, Record<string, number | string>>();
  const keys = new Set<string>();
  for (const raw of rows as Record<string, unknown>[]) {
    const day = String(raw.day ?? raw.date ?? raw.bucket ?? '');
    const row = byDay.get(day) ?? { day };
    if (keyField in raw && valueField in raw) {
      const k = String(raw[keyField]);
      row[k] = (Number(row[k]) || 0) + (Number(raw[valueField]) || 0);
      keys.add(k);
    } else {
      for (const [k, v] of Object.entries(raw)) {
        if (k === 'day' || k === 'date' || k === 'bucket' || typeof v !== 'number') continue;
        row[k] = (Number(row[k]) || 0) + v;
        keys.add(k);
      }
    }
    byDay.set(day, row);
  }
  return { rows: [...byDay.values()].sort((a, b) => String(a.day).localeCompare(String(b.day))), keys: [...keys] };
}

/** `{ approved: 3 }` or `[{ outcome, count }]` -> `[{ name, value }]` */
export function entries(value: unknown): { name: string; value: number }[] {
  if (Array.isArray(value)) {
    return (value as Record<string, unknown>[]).map((r) => ({ name: String(r.outcome ?? r.status ?? r.name ?? r.key), value: Number(r.count ?? r.value) || 0 }));
  }
  if (value && typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ name, value: Number(v) || 0 }));
  return [];
}
