import { IConstruct } from 'constructs';
import { zeroTrustError } from '../errors';
import { compareStrings } from './order';

/** What the registry needs from a zero-trust namespace. */
export interface RegisteredNamespace extends IConstruct {
  readonly name: string;
}

/** What the registry needs from a workload. */
export interface RegisteredWorkload extends IConstruct {
  readonly name: string;
  readonly namespace: string;
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
  private readonly linkByKey = new Map<string, RegisteredLink>();
  private readonly edgeByKey = new Map<string, RegisteredEdge>();

  public addNamespace(ns: RegisteredNamespace): void {
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
    this.workloadByKey.set(key, workload);
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
