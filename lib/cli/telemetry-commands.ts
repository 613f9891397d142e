import { Command, InvalidArgumentError, Option } from 'commander';
import { Reachability, ReachabilityOptions } from '../analysis/reachability';
import { renderMarkdown, renderText, Section } from '../analysis/report/document';
import { JSON_SCHEMA_VERSION } from '../analysis/report/json-output';
import { readTelemetryFiles } from '../analysis/telemetry/read';
import { Review, Suggestion } from '../analysis/telemetry/types';

/** What the telemetry commands need from the program: output, analysis options and the exit code. */
export interface TelemetryCommandContext {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress is drawn only there). */
  readonly interactive: boolean;
  readonly analysisOptions: (opts: any) => ReachabilityOptions;
  readonly setExitCode: (code: number) => void;
}

/** `suggest` and `review`: from observed traffic to code, and back to the declared access. */
export function addTelemetryCommands(program: Command, ctx: TelemetryCommandContext, exitPolicyFailure: number): void {
  const common = (cmd: Command) => cmd
    .requiredOption('--telemetry <files...>', 'Prometheus query responses, Istio JSON access logs or hubble observe -o json output (format recognised per file)')
    .requiredOption('--manifests <paths...>', 'YAML/JSON manifest files or directories (the app\'s dist/ or a cluster dump)')
    .option('--trust-domain <domain>', 'SPIFFE trust domain of principals', 'cluster.local')
    .option('--root-namespace <namespace>', 'Istio root namespace', 'istio-system')
    .option('--default-namespace <namespace>', 'namespace of objects without one', 'default')
    .option('--no-platform-workloads', 'do not assume kube-dns and istiod');

  common(program.command('suggest')
    .description('Print TypeScript ServiceLinks for every observed call the manifests do not allow yet'))
    .option('--path-threshold <n>', 'distinct path segments at one level before it becomes a prefix match', parseThreshold, 5)
    .option('--include-denied', 'also suggest calls the telemetry saw denied')
    .option('--import-from <module>', 'module the generated code imports from', 'cdk8s-zero-trust')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['typescript', 'json']).default('typescript'))
    .action((opts: any) => {
      const { reach, telemetry } = load(ctx, opts);
      const s = reach.suggest(telemetry, {
        pathThreshold: opts.pathThreshold,
        includeDenied: Boolean(opts.includeDenied),
        importFrom: opts.importFrom,
      });
      if (opts.output === 'json') ctx.stdout(JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command: 'suggest', ...jsonOf(s) }, null, 2) + '\n');
      else ctx.stdout(s.code);
    });

  common(program.command('review')
    .description('List declared paths the telemetry never used, HTTP rules never used, and observed calls that were (or would be) denied'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--fail-on-unused', 'exit 1 when some allowed path was not used in the window (for a scheduled CI job)')
    .action((opts: any) => {
      const { reach, telemetry } = load(ctx, opts);
      const review = reach.review(telemetry);
      const failed = Boolean(opts.failOnUnused && review.unused.length > 0);
      if (opts.output === 'json') {
        ctx.stdout(JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command: 'review', ...review, failed }, null, 2) + '\n');
      } else {
        const render = opts.output === 'markdown' ? renderMarkdown : renderText;
        ctx.stdout(render(`Access review (${review.window})`, reviewSections(review)));
      }
      if (failed) ctx.setExitCode(exitPolicyFailure);
    });
}

function load(ctx: TelemetryCommandContext, opts: any) {
  const reach = Reachability.fromFiles(opts.manifests, ctx.analysisOptions(opts));
  let drawn = false;
  const telemetry = readTelemetryFiles(opts.telemetry, {}, ctx.interactive ? (file, read, total) => {
    drawn = true;
    ctx.stderr(`\rreading ${file}: ${Math.floor(read / 1048576)} of ${Math.ceil(total / 1048576)} MB`);
  } : undefined);
  if (drawn) ctx.stderr('\n');
  return { reach, telemetry };
}

function jsonOf(s: Suggestion) {
  return { links: s.links, comments: s.comments, alreadyAllowed: s.alreadyAllowed, unattributed: s.unattributed };
}

export function reviewSections(r: Review): Section[] {
  const sections: Section[] = [{
    title: `Allowed but unused: candidates for removal (${r.unused.length})`,
    table: { headers: ['PATH', 'DECLARED BY'], rows: r.unused.map(u => [u.path, u.declaredBy]) },
  }];
  const partial = r.used.filter(u => u.unusedRequests.length > 0);
  if (partial.length > 0) {
    sections.push({
      title: `HTTP rules allowed but never used (${partial.length})`,
      table: { headers: ['PATH', 'UNUSED REQUESTS'], rows: partial.map(u => [u.path, u.unusedRequests.join('; ')]) },
    });
  }
  sections.push({
    title: `Denied, or denied once enforced (${r.denied.length})`,
    table: { headers: ['CALL', 'COUNT', 'KIND', 'WHY'], rows: r.denied.map(d => [d.call, String(d.count), d.kind, d.reason]) },
  });
  sections.push({
    title: `Used (${r.used.length})`,
    table: { headers: ['PATH', 'CALLS'], rows: r.used.map(u => [u.path, String(u.calls)]) },
  });
  if (r.unattributed.length > 0) sections.push({ title: `Records not tied to the manifests (${r.unattributed.length})`, lines: r.unattributed.map(u => `- ${u}`) });
  return sections;
}

function parseThreshold(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError('expected an integer of at least 2');
  return n;
}
