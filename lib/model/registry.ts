import { IConstruct } from 'constructs';
import { ZeroTrustError, zeroTrustError } from '../errors';
import { compareStrings } from './order';

/** What the registry needs from a zero-trust namespace. */
export interface RegisteredNamespace extends IConstruct {
  readonly name: string;
}

/** What the registry needs from a workload. */
export interface RegisteredWorkload extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly podLabels: { [key: string]: string };
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
      registry = new ZeroTrustRegistry();
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

  public addNamespace(ns: RegisteredNamespace): void {
    this.selectorVersion++;
    const existing = this.namespaceByName.get(ns.name);
    if (existing) {
      throw zeroTrustError(ns, `namespace "${ns.name}" is already declared at ${existing.node.path}`,
        'declare each zero-trust namespace once and reuse the construct');
    }
    this.namespaceByName.set(ns.name, ns);
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
    this.selectorVersion++;
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
  public get version(): number {
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
  }

  /** Records an egress or entry-point declaration; the same declaration twice is refused. */
  public addEdge(edge: RegisteredEdge): void {
    const existing = this.edgeByKey.get(edge.declarationKey);
    if (existing) {
      throw zeroTrustError(edge, `${edge.declarationKey} is already declared at ${existing.node.path}`,
        'remove the duplicate declaration');
    }
    this.edgeByKey.set(edge.declarationKey, edge);
  }

  /** Edge declarations of one class, in declaration order (renderers sort what they emit). */
  public edges<T extends RegisteredEdge>(type: abstract new (...args: any[]) => T): T[] {
    return [...this.edgeByKey.values()].filter((e): e is T => e instanceof type);
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
