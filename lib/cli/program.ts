import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { addTelemetryCommands } from './telemetry-commands';
import { AnalysisInputError } from '../analysis/estate/errors';
import { renderSvg } from '../analysis/graph/svg';
import { Reachability, ReachabilityOptions } from '../analysis/reachability';
import { renderDiffMarkdown } from '../analysis/report/diff-markdown';
import { renderMarkdown, renderText, Section } from '../analysis/report/document';
import { BlastRadiusJson, CheckJson, DiffJson, JSON_SCHEMA_VERSION, ReachJson } from '../analysis/report/json-output';
import { OUTPUT_SCHEMA } from '../analysis/report/output-schema';
import { blastSections, diffSections, reachSections } from '../analysis/report/reports';

/** Exit codes, stable for CI. */
export const EXIT_OK = 0;
/** A policy check failed: new access without approval, a gap with --fail-on-gaps, an unexpected check verdict. */
export const EXIT_POLICY_FAILURE = 1;
/** Bad usage or unreadable input. */
export const EXIT_USAGE = 2;
/** A bug in the analyzer. */
export const EXIT_INTERNAL = 3;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stderr is a terminal: long reads draw progress there. */
  readonly interactive?: boolean;
}

interface CommonOptions {
  readonly output: 'text' | 'markdown' | 'json';
  readonly trustDomain?: string;
  readonly rootNamespace?: string;
  readonly defaultNamespace?: string;
  readonly platformWorkloads: boolean;
}

interface CheckOptions extends CommonOptions {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly method?: string;
  readonly path: string;
  readonly expect?: string;
  readonly jwt?: Record<string, unknown>;
}

/** Runs the CLI on arguments (without `node` and the script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('cdk8s-zero-trust')
    .description('Prove who can reach what from Kubernetes manifests: NetworkPolicy (L4) and Istio (L7), blast radius, access diff, graphs.')
    .version(packageVersion(), '-V, --version', 'print the version of cdk8s-zero-trust')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  const emit = (opts: CommonOptions, title: string, sections: Section[], json: object) => {
    if (opts.output === 'json') io.stdout(JSON.stringify(json, null, 2) + '\n');
    else if (opts.output === 'markdown') io.stdout(renderMarkdown(title, sections));
    else io.stdout(renderText(title, sections));
  };

  withCommon(example(program.command('reach'), 'cdk8s-zero-trust reach dist/', 'cdk8s-zero-trust reach dist/ --fail-on-gaps -o markdown > reach.md')
    .description('List every path both layers allow, DNS/control-plane paths, gaps and what is not modelled')
    .argument('<paths...>', 'YAML/JSON manifest files or directories')
    .option('--fail-on-gaps', 'exit 1 when the layers disagree on some path'))
    .action((paths: string[], opts: CommonOptions & { failOnGaps?: boolean }) => {
      const reach = Reachability.fromFiles(paths, analysisOptions(opts));
      const json: ReachJson = {
        schemaVersion: JSON_SCHEMA_VERSION, command: 'reach', allowed: reach.allowedPaths(), paths: reach.paths(), workloads: reach.workloads(), findings: reach.findings(),
      };
      emit(opts, `Reachability of ${paths.join(', ')}`, reachSections(reach), json);
      if (opts.failOnGaps && reach.gaps().length > 0) code = EXIT_POLICY_FAILURE;
    });

  withCommon(example(program.command('blast-radius'), 'cdk8s-zero-trust blast-radius production/order-service dist/')
    .description('What a compromised workload reaches directly, and by pivoting through what it reaches')
    .argument('<workload>', 'workload as <namespace>/<name> (or a unique name)')
    .argument('<paths...>', 'YAML/JSON manifest files or directories'))
    .action((workload: string, paths: string[], opts: CommonOptions) => {
      const blast = Reachability.fromFiles(paths, analysisOptions(opts)).blastRadius(workload);
      const json: BlastRadiusJson = { schemaVersion: JSON_SCHEMA_VERSION, command: 'blast-radius', blastRadius: blast };
      emit(opts, `Blast radius of ${blast.workload}`, blastSections(blast), json);
    });

  withCommon(example(program.command('diff'), 'cdk8s-zero-trust diff --base base/dist --head dist --fail-on-new-access -o markdown > access-diff.md')
    .description('Access added and removed between two manifest sets (PR base vs head), per layer')
    .requiredOption('--base <paths...>', 'manifests before the change')
    .requiredOption('--head <paths...>', 'manifests after the change')
    .option('--fail-on-new-access', 'exit 1 when access widens at any layer, unless --approve is given')
    .option('--approve', 'a person approved the new access'))
    .action((opts: CommonOptions & { base: string[]; head: string[]; failOnNewAccess?: boolean; approve?: boolean }) => {
      const diff = Reachability.fromFiles(opts.base, analysisOptions(opts)).diff(Reachability.fromFiles(opts.head, analysisOptions(opts)));
      const failed = Boolean(opts.failOnNewAccess && diff.widened > 0 && !opts.approve);
      const json: DiffJson = { schemaVersion: JSON_SCHEMA_VERSION, command: 'diff', diff, approved: Boolean(opts.approve), failed };
      const verdict = diff.widened === 0 ? 'Access did not widen.'
        : opts.approve ? 'Access widened; approved.' : `Access widened${opts.failOnNewAccess ? ': failing until approved (--approve)' : ''}.`;
      if (opts.output === 'markdown') io.stdout(renderDiffMarkdown(diff, verdict));
      else emit(opts, 'Access diff', [...diffSections(diff), { title: 'Result', lines: [verdict] }], json);
      if (failed) code = EXIT_POLICY_FAILURE;
    });

  withCommon(example(program.command('check'), 'cdk8s-zero-trust check dist/ --from checkout-api --to payment-service --port 8080 --method POST --path /v1/charges --expect allow')
    .description('Check one connection or HTTP request at both layers')
    .argument('<paths...>', 'YAML/JSON manifest files or directories')
    .requiredOption('--from <workload>', 'source workload')
    .requiredOption('--to <workload>', 'destination workload')
    .requiredOption('--port <port>', 'destination container port', parsePort)
    .option('--protocol <protocol>', 'tcp, udp or sctp', 'tcp')
    .option('--method <method>', 'HTTP method (checks an HTTP request)')
    .option('--path <path>', 'HTTP path', '/')
    .option('--jwt <claims>', 'claims of the request\'s JWT as JSON, e.g. \'{"iss":"https://login.example.com","sub":"alice","groups":["engineering"]}\' (default: no token)', parseJwt)
    .addOption(new Option('--expect <verdict>', 'exit 1 unless the verdict is this').choices(['allow', 'deny', 'unknown'])))
    .action((paths: string[], opts: CheckOptions) => {
      const result = Reachability.fromFiles(paths, analysisOptions(opts))
        .check({
          source: opts.from,
          destination: opts.to,
          port: opts.port,
          protocol: opts.protocol,
          method: opts.method,
          path: opts.method ? opts.path : undefined,
          jwt: opts.jwt,
        });
      const what = `${opts.from} -> ${opts.to} ${opts.protocol}/${opts.port}${opts.method ? ` ${opts.method} ${opts.path}` : ''}`;
      const json: CheckJson = { schemaVersion: JSON_SCHEMA_VERSION, command: 'check', request: what, ...result };
      const lines = [`L4: ${result.l4}`, `L7: ${result.l7}`, ...result.reasons.map(r => `- ${r}`), ...result.caveats.map(c => `- caveat: ${c}`)];
      emit(opts, `Check ${what}`, [{ title: `Verdict: ${result.verdict}`, lines }], json);
      if (opts.expect && opts.expect !== result.verdict) code = EXIT_POLICY_FAILURE;
    });

  example(program.command('graph'), 'cdk8s-zero-trust graph dist/ --format svg --out access.svg')
    .description('Draw the allowed paths as Mermaid, Graphviz DOT or SVG (Graphviz in WebAssembly)')
    .argument('<paths...>', 'YAML/JSON manifest files or directories')
    .addOption(new Option('--format <format>', 'graph format').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--no-platform', 'leave out DNS and istiod paths')
    .option('--trust-domain <domain>', 'SPIFFE trust domain of principals', 'cluster.local')
    .option('--root-namespace <namespace>', 'Istio root namespace', 'istio-system')
    .option('--default-namespace <namespace>', 'namespace of objects without one', 'default')
    .option('--no-platform-workloads', 'do not assume kube-dns, istiod and the ingress gateway')
    .action(async (paths: string[], opts: CommonOptions & { format: string; out?: string; platform: boolean }) => {
      const reach = Reachability.fromFiles(paths, analysisOptions(opts));
      const text = opts.format === 'mermaid' ? reach.toMermaid(opts.platform)
        : opts.format === 'dot' ? reach.toDot(opts.platform) : await renderSvg(reach.toDot(opts.platform));
      if (opts.out) writeOut(opts.out, text);
      else io.stdout(text);
    });

  addTelemetryCommands(program, {
    ...io, interactive: Boolean(io.interactive), analysisOptions, setExitCode: c => { code = c; },
  }, EXIT_POLICY_FAILURE);

  example(program.command('schema'), 'cdk8s-zero-trust schema > analysis-output.schema.json')
    .description('Print the JSON Schema of --output json')
    .action(() => io.stdout(JSON.stringify(OUTPUT_SCHEMA, null, 2) + '\n'));

  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof AnalysisInputError) {
      io.stderr(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_INTERNAL;
  }
}

/** `--help` of every command ends with examples a user can copy. */
function example(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', ['', 'Examples:', ...lines.map(l => `  $ ${l}`)].join('\n'));
}

/** The version in the package.json next to lib/ (sources) or out/ (compiled). */
function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
}

function withCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--trust-domain <domain>', 'SPIFFE trust domain of principals', 'cluster.local')
    .option('--root-namespace <namespace>', 'Istio root namespace', 'istio-system')
    .option('--default-namespace <namespace>', 'namespace of objects without one', 'default')
    .option('--no-platform-workloads', 'do not assume kube-dns, istiod and the ingress gateway');
}

function analysisOptions(opts: CommonOptions): ReachabilityOptions {
  return {
    trustDomain: opts.trustDomain,
    rootNamespace: opts.rootNamespace,
    defaultNamespace: opts.defaultNamespace,
    platformWorkloads: opts.platformWorkloads,
  };
}

/** Claims as a JSON object; anything else is a usage error. */
function parseJwt(value: string): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(value);
  } catch (e) {
    throw new InvalidArgumentError(`expected the token's claims as a JSON object: ${(e as Error).message}`);
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new InvalidArgumentError('expected the token\'s claims as a JSON object, e.g. {"iss":"...","sub":"..."}');
  return claims as Record<string, unknown>;
}

/** `graph --out` onto a directory or into a missing one is a usage error, not a crash. */
function writeOut(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new AnalysisInputError(`--out ${file}: directory '${dir}' does not exist`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new AnalysisInputError(`--out ${file}: is a directory; give a file name`);
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new AnalysisInputError(`--out ${file}: cannot write: ${(e as Error).message}`);
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port number in 1-65535');
  return port;
}
