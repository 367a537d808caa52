// The benchmark report: one row per figure, beside its baseline and target.

export interface Target {
  of: 'value' | 'ratio';
  op: '≥' | '<';
  limit: number;
}

export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  target?: Target;
}

const num = (n: number | undefined): string =>
  n === undefined ? '—' : Number.isNaN(n) ? 'n/a' : n >= 100 ? Math.round(n).toLocaleString('en') : n.toPrecision(3);

export function verdict(row: Row): string {
  if (!row.target) return '';
  const { of, op, limit } = row.target;
  const x = of === 'ratio' && row.baseline ? row.value / row.baseline : row.value;
  return (op === '≥' ? x >= limit : x < limit) ? 'PASS' : 'MISS';
}

export function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.name,
    num(r.value),
    r.unit,
    num(r.baseline),
    r.baseline ? (r.value / r.baseline).toFixed(3) : '—',
    r.target ? `${r.target.of === 'ratio' ? 'ratio ' : ''}${r.target.op} ${r.target.limit}` : '—',
    verdict(r) || '—',
  ]);
  const head = ['name', 'value', 'unit', 'baseline', 'ratio', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([1, 3, 4]);
  const line = (c: string[]) =>
    c.map((x, i) => (numeric.has(i) ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}
