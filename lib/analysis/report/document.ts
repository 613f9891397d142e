/** A report as sections of tables and lines, rendered as plain text or Markdown. */
export interface Section {
  readonly title: string;
  readonly lines?: readonly string[];
  readonly table?: { readonly headers: readonly string[]; readonly rows: ReadonlyArray<readonly string[]> };
}

export function renderText(title: string, sections: readonly Section[]): string {
  const out = [title, '='.repeat(title.length), ''];
  for (const s of sections) {
    out.push(s.title, '-'.repeat(s.title.length));
    for (const l of s.lines ?? []) out.push(l);
    if (s.table) out.push(...textTable(s.table.headers, s.table.rows));
    out.push('');
  }
  return out.join('\n');
}

export function renderMarkdown(title: string, sections: readonly Section[]): string {
  const out = [`## ${title}`, ''];
  for (const s of sections) {
    out.push(`### ${s.title}`, '');
    for (const l of s.lines ?? []) out.push(l);
    if (s.lines && s.lines.length > 0) out.push('');
    if (s.table) {
      out.push(`| ${s.table.headers.join(' | ')} |`, `|${s.table.headers.map(() => '---').join('|')}|`);
      for (const r of s.table.rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

function textTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)];
}

export function mdCell(text: string): string {
  // `*` in paths (`/orders/*`) would start emphasis; code spans keep them literal.
  const escaped = text.replace(/\|/g, '\\|');
  return /[*_]/.test(escaped) && !escaped.includes('`') ? `\`${escaped}\`` : escaped;
}
