import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { referenceApp, writeAppYaml } from '../analysis/support/app-yaml';

const root = path.join(__dirname, '..', '..');
const dir = path.join(root, 'examples', 'github-actions');
const MARKER = '<!-- cdk8s-zero-trust:access-diff -->';

const base = writeAppYaml(referenceApp().app, 'wf-base');
const head = writeAppYaml(referenceApp(true).app, 'wf-head');

// Runs the script the workflow calls, with the compiled CLI of this checkout (out/, from the jsii compile).
function accessDiff(from: string, to: string, approved?: string): { code: number | null; comment: string } {
  const comment = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zt-comment-')), 'access-diff.md');
  const args = [path.join(dir, 'access-diff.sh'), from, to, comment, ...(approved ? [approved] : [])];
  const run = spawnSync('bash', args, { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_ZERO_TRUST: `node ${path.join(root, 'out', 'cli', 'main.js')}` } });
  return { code: run.status, comment: fs.readFileSync(comment, 'utf8') };
}

describe('the access-diff script of the GitHub Actions example', () => {
  test('new access: exit 1, and a comment with the marker, the summary line, the table and the graph of the change', () => {
    const { code, comment } = accessDiff(base, head);
    expect(code).toBe(1);
    const lines = comment.split('\n');
    expect(lines.slice(0, 4)).toEqual([MARKER, '## Access diff', '', '**1 path added, 0 widened, 0 removed.** Access widened: failing until approved (--approve).']);
    expect(comment).toContain('| added | production/frontend -> production/cache tcp/6379 | added | added | added | - | allow |');
    expect(comment).toContain('```mermaid\nflowchart LR\n  n0["production/frontend"]\n  n1["production/cache"]\n  n0 -->|"added tcp/6379 (redis)"| n1\n');
    expect(comment).toContain('adds the `access-approved` label; this check fails until then.');
  });

  test('approved by the label: exit 0, same diff, says approved', () => {
    const { code, comment } = accessDiff(base, head, 'true');
    expect(code).toBe(0);
    expect(comment).toContain('**1 path added, 0 widened, 0 removed.** Access widened; approved.');
    expect(comment).toContain('Approved with the `access-approved` label.');
  });

  test('narrowing and no change pass without approval', () => {
    expect(accessDiff(head, base).code).toBe(0);
    const same = accessDiff(base, base);
    expect(same.code).toBe(0);
    expect(same.comment).toContain('No change in access.');
  });

  test('unreadable manifests: exit 2, and the comment says the analyzer could not compare', () => {
    const { code, comment } = accessDiff(path.join(base, 'missing'), head);
    expect(code).toBe(2);
    expect(comment.startsWith(`${MARKER}\n## Access diff\n\nThe analyzer could not compare the manifests (exit 2):`)).toBe(true);
  });
});

describe('the workflow', () => {
  const workflow = YAML.parse(fs.readFileSync(path.join(dir, 'access-diff.yml'), 'utf8'));
  const steps: any[] = workflow.jobs['access-diff'].steps;

  test('re-runs when the approval label is added or removed, and may write only the comment', () => {
    expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'labeled', 'unlabeled']));
    expect(workflow.permissions).toEqual({ 'contents': 'read', 'pull-requests': 'write' });
  });

  test('synthesizes base and head, calls this script with the label as approval, updates one comment, fails on a non-zero exit', () => {
    expect(steps.filter(s => s.uses === 'actions/checkout@v4').map(s => s.with.path)).toEqual(['head', 'base']);
    const diff = steps.find(s => s.id === 'diff');
    expect(diff.env.APPROVED).toBe("${{ contains(github.event.pull_request.labels.*.name, 'access-approved') }}");
    expect(diff.run).toContain('access-diff.sh ../base/dist dist');
    const post = steps.find(s => String(s.run).includes('gh api'));
    expect(post.run).toContain(MARKER);
    expect(post.run).toContain('-X PATCH');
    const gate = steps[steps.length - 1];
    expect(gate.if).toBe("steps.diff.outputs.exit != '0'");
    expect(gate.run).toContain('exit 1');
  });
});
