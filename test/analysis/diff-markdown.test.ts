import { diffPaths } from '../../lib/analysis/paths/diff';
import { renderDiffMarkdown } from '../../lib/analysis/report/diff-markdown';
import { AccessPath } from '../../lib/analysis/types';

function path(source: string, destination: string, port: string, requests: string[] = []): AccessPath {
  return {
    source,
    destination,
    protocol: 'tcp',
    port,
    servicePorts: [],
    l4: 'allow',
    l7: 'allow',
    verdict: 'allow',
    requests,
    reasons: [],
    caveats: [],
    platform: false,
  };
}

const unchanged = path('shop/web', 'shop/api', '8080', ['GET /items']);
const base = [unchanged, path('shop/api', 'shop/orders', '8080', ['GET /orders/*']), path('shop/api', 'shop/db', '5432')];
const head = [
  unchanged,
  path('shop/api', 'shop/orders', '8080', ['GET,POST /orders/*']), // widened: POST is new
  path('shop/web', 'shop/cache', '6379'), // added
  path('shop/batch', 'shop/db', '5432'), // added
  // shop/api -> shop/db removed
];

test('a PR comment: summary line first, then the table with widening first, then a graph of only the changed edges', () => {
  const md = renderDiffMarkdown(diffPaths(base, head), 'Access widened: failing until approved.');
  const lines = md.split('\n');
  expect(lines.slice(0, 3)).toEqual(['## Access diff', '', '**2 paths added, 1 widened, 1 removed.** Access widened: failing until approved.']);
  const table = lines.filter(l => l.startsWith('| ') && !l.startsWith('| change'));
  expect(table.map(l => l.split(' | ').slice(0, 2).join(' | '))).toEqual([
    '| added | shop/batch -> shop/db tcp/5432',
    '| added | shop/web -> shop/cache tcp/6379',
    '| widened | shop/api -> shop/orders tcp/8080',
    '| removed | shop/api -> shop/db tcp/5432',
  ]);
  expect(table[2]).toContain('| unchanged | changed | changed | `allow (GET /orders/*)` | `allow (GET,POST /orders/*)` |');

  const mermaid = md.slice(md.indexOf('```mermaid\n') + 11, md.lastIndexOf('```'));
  const edges = mermaid.split('\n').filter(l => l.includes('|"'));
  expect(edges).toHaveLength(4);
  expect(mermaid).toContain('"shop/batch"');
  expect(edges.filter(e => e.includes('-.->'))).toEqual([expect.stringContaining('"removed tcp/5432"')]);
  expect(edges.some(e => e.includes('widened tcp/8080 GET,POST /orders/*'))).toBe(true);
  // The unchanged web -> api edge is not drawn: only changes are.
  expect(mermaid).not.toContain('GET /items');
});

test('no change: the summary says so and there is no table or graph', () => {
  const md = renderDiffMarkdown(diffPaths(base, base), 'Access did not widen.');
  expect(md).toBe('## Access diff\n\n**0 paths added, 0 widened, 0 removed.** Access did not widen.\n\nNo change in access.\n');
});
