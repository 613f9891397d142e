import { IConstruct } from 'constructs';
import { ZeroTrustError, zeroTrustError } from '../errors';
import { compareStrings } from './order';

/** What the registry needs from a zero-trust namespace. */
export interface RegisteredNamespace extends IConstruct {
  readonly name: string;
  /** Called right after a workload, link or edge is recorded, so the namespace adds the objects it needs. */
  _onDeclared(declaration: IConstruct): void;
}

/** What the registry needs from a workload. */
export interface RegisteredWorkload extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly podLabels: { [key: string]: string };
  /** Container ports: read at synth (an adopted Deployment may gain containers later). */
  readonly ports: unknown[];
  /** Service ports: read at synth, like `ports`. */
  readonly servicePorts: unknown[];
}

/** What the registry needs from a link. */
export interface RegisteredLink extends IConstruct {
  /** Identity of the declaration, for duplicate detection. */
  readonly declarationKey: string;
}

/** What the registry needs from an edge declaration (external egress, entry point). */
export interface RegisteredEdge extends IConstruct {
  /** Identity of the declaration, for duplicate detection. */
  readonly declarationKey: string;
}

/** Two workloads under one ServiceAccount: the explicit form is one workload adopting several Deployments. */
export function sharedServiceAccountError(workload: RegisteredWorkload, existing: RegisteredWorkload): ZeroTrustError {
  return zeroTrustError(workload, `ServiceAccount "${workload.serviceAccountName}" is already the identity of ${existing.namespace}/${existing.name} (at ${existing.node.path}), so both workloads would share one principal and L7 could not tell them apart`,
    'to run several Deployments under one identity, declare the workload once and adopt each Deployment into it (workload.adopt(deployment)); otherwise give each workload its own serviceAccountName');
}

function sameIdentity(a: RegisteredWorkload, b: RegisteredWorkload): boolean {
  return a.namespace === b.namespace && a.name === b.name && a.serviceAccountName === b.serviceAccountName
    && JSON.stringify(Object.entries(a.podLabels).sort()) === JSON.stringify(Object.entries(b.podLabels).sort());
}

const REGISTRIES = new WeakMap<IConstruct, ZeroTrustRegistry>();

/**
 * Everything declared in one app: zero-trust namespaces, owned workloads and links.
 *
 * Renderers read across namespaces (a link's egress and ingress land in two charts),
 * so the record is per app, not per chart.
 */
export class ZeroTrustRegistry {
  /** The registry of the app that `scope` belongs to. */
  public static of(scope: IConstruct): ZeroTrustRegistry {
    const root = scope.node.root;
    let registry = REGISTRIES.get(root);
    if (!registry) {
      registry = new ZeroTrustRegistry(root);
      REGISTRIES.set(root, registry);
    }
    return registry;
  }

  private readonly namespaceByName = new Map<string, RegisteredNamespace>();
  private readonly workloadByKey = new Map<string, RegisteredWorkload>();
  private readonly references: RegisteredWorkload[] = [];
  private readonly identityBySa = new Map<string, RegisteredWorkload>();
  private selectorVersion = 0;
  private readonly linkByKey = new Map<string, RegisteredLink>();
  private readonly edgeByKey = new Map<string, RegisteredEdge>();
  /** Bumped by every declaration: resolved intent from before it is stale. */
  private version = 0;
  /** Bumped at the start of every validation pass, i.e. of every synthesis path. */
  private epoch = 0;
  private memo = new Map<unknown, { readonly value?: unknown; readonly error?: unknown }>();
  private memoVersion = -1;
  private memoEpoch = -1;
  private memoFingerprint = '';

  private constructor(root: IConstruct) {
    // The root validates first on every synthesis path (app.synth, synthYaml, chart.toJson), so
    // this marks where one synthesis starts; resolved intent is then re-checked once, not per chart.
    root.node.addValidation({ validate: () => { this.epoch++; return []; } });
  }

  public addNamespace(ns: RegisteredNamespace): void {
    this.selectorVersion++;
    const existing = this.namespaceByName.get(ns.name);
    if (existing) {
      throw zeroTrustError(ns, `namespace "${ns.name}" is already declared at ${existing.node.path}`,
        'declare each zero-trust namespace once and reuse the construct');
    }
    this.namespaceByName.set(ns.name, ns);
    this.version++;
  }

  public addWorkload(workload: RegisteredWorkload): void {
    const key = `${workload.namespace}/${workload.name}`;
    const existing = this.workloadByKey.get(key);
    if (existing) {
      throw zeroTrustError(workload, `workload "${key}" is already declared at ${existing.node.path}`,
        'declare each workload once and pass the same object to every link');
    }
    this.claimServiceAccount(workload);
    this.workloadByKey.set(key, workload);
    this.version++;
    this.selectorVersion++;
    this.namespaceByName.get(workload.namespace)?._onDeclared(workload);
  }

  /**
   * Records a workload referenced by attributes, so its pod labels and ServiceAccount are held
   * to the same rules as owned ones. The same reference declared twice (same name, ServiceAccount
   * and labels) counts once.
   */
  public addReference(workload: RegisteredWorkload): void {
    if (this.references.some(r => sameIdentity(r, workload))) return;
    this.references.push(workload);
    this.selectorVersion++;
  }

  /**
   * The workloads whose pods policies select in a namespace, each once: owned ones, plus
   * references when the namespace is not one of this app's (a reference inside one is refused
   * wherever it is used, with its own fix).
   */
  public selectorsIn(namespace: string): RegisteredWorkload[] {
    const owned = [...this.workloadByKey.values()].filter(w => w.namespace === namespace);
    return this.namespaceByName.has(namespace) ? owned : [...owned, ...this.references.filter(w => w.namespace === namespace)];
  }

  /** An earlier reference of the namespace outside this app that claims the same ServiceAccount under another identity. */
  public sharedServiceAccountOf(workload: RegisteredWorkload): RegisteredWorkload | undefined {
    if (this.namespaceByName.has(workload.namespace)) return undefined;
    const index = this.references.indexOf(workload);
    return this.references.slice(0, index < 0 ? 0 : index)
      .find(r => r.namespace === workload.namespace && r.serviceAccountName === workload.serviceAccountName);
  }

  /** Grows whenever a workload or reference is added, so checks over all of them can be cached. */
  public get workloadsVersion(): number {
    return this.selectorVersion;
  }

  /**
   * One ServiceAccount is one principal: two workloads under it could not be told apart at L7
   * (and would emit the ServiceAccount twice). Several Deployments of one identity are adopted
   * into one workload instead.
   */
  private claimServiceAccount(workload: RegisteredWorkload): void {
    const key = `${workload.namespace}/${workload.serviceAccountName}`;
    const existing = this.identityBySa.get(key);
    if (existing) {
      throw sharedServiceAccountError(workload, existing);
    }
    this.identityBySa.set(key, workload);
  }
  public addLink(link: RegisteredLink): void {
    const existing = this.linkByKey.get(link.declarationKey);
    if (existing) {
      throw zeroTrustError(link, `link ${link.declarationKey} is already declared at ${existing.node.path}`,
        'remove the duplicate declaration');
    }
    this.linkByKey.set(link.declarationKey, link);
    this.declared(link);
  }

  /** Records an egress or entry-point declaration; the same declaration twice is refused. */
  public addEdge(edge: RegisteredEdge): void {
    const existing = this.edgeByKey.get(edge.declarationKey);
    if (existing) {
      throw zeroTrustError(edge, `${edge.declarationKey} is already declared at ${existing.node.path}`,
        'remove the duplicate declaration');
    }
    this.edgeByKey.set(edge.declarationKey, edge);
    this.declared(edge);
  }

  /**
   * `compute()` once per synthesis for `key`, its result (or its error) reused until a
   * declaration is added or a workload's ports change. This is how each link's intent is
   * resolved once per synth, however many charts and validations read it.
   */
  public resolved<T>(key: unknown, compute: () => T): T {
    this.refreshMemo();
    let hit = this.memo.get(key);
    if (!hit) {
      try {
        hit = { value: compute() };
      } catch (error) {
        hit = { error };
      }
      this.memo.set(key, hit);
    }
    if ('error' in hit) throw hit.error;
    return hit.value as T;
  }

  /** Edge declarations of one class, in declaration order (renderers sort what they emit). */
  public edges<T extends RegisteredEdge>(type: abstract new (...args: any[]) => T): T[] {
    return [...this.edgeByKey.values()].filter((e): e is T => e instanceof type);
  }

  private declared(declaration: IConstruct): void {
    this.version++;
    // Every namespace hears of it; each one keeps what touches its own workloads.
    for (const ns of this.namespaceByName.values()) ns._onDeclared(declaration);
  }

  private refreshMemo(): void {
    if (this.memoVersion === this.version && this.memoEpoch === this.epoch) return;
    // Ports are read through functions (adopted workloads), so a new synthesis re-reads them once.
    const fingerprint = JSON.stringify([...this.workloadByKey.values()].map(w => [w.ports, w.servicePorts]));
    if (this.memoVersion !== this.version || fingerprint !== this.memoFingerprint) this.memo = new Map();
    this.memoVersion = this.version;
    this.memoEpoch = this.epoch;
    this.memoFingerprint = fingerprint;
  }

  /** Names of the zero-trust namespaces, in declaration order. */
  public namespaceNames(): string[] {
    return [...this.namespaceByName.keys()];
  }

  public namespace(name: string): RegisteredNamespace | undefined {
    return this.namespaceByName.get(name);
  }

  /** Owned workloads of a namespace, sorted by name. */
  public workloadsIn<T extends RegisteredWorkload>(namespace: string): T[] {
    return [...this.workloadByKey.values()]
      .filter(w => w.namespace === namespace)
      .sort((a, b) => compareStrings(a.name, b.name)) as T[];
  }

  /** Every link, in declaration order (renderers sort what they emit). */
  public links<T extends RegisteredLink>(): T[] {
    return [...this.linkByKey.values()] as T[];
  }
}
