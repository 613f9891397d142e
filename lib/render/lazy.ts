import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IRenderLayer, NamespaceRenderContext } from './renderer';

/** The child `id` of `scope`, created by `create` the first time: declarations may touch an object many times. */
export function getOrCreate<T extends Construct>(scope: Construct, id: string, create: () => T): T {
  return (scope.node.tryFindChild(id) as T | undefined) ?? create();
}

/**
 * A value computed at synth from the namespace's resolved intent. Typed as the value itself so
 * it fits the generated props; cdk8s resolves the Lazy before any object is serialized.
 */
export function lazyFrom<T>(layer: IRenderLayer, produce: (ctx: NamespaceRenderContext) => T): T {
  return Lazy.any({ produce: () => produce(layer.resolve()) });
}

/**
 * `derive(ctx)` once per resolved context: objects of one layer share groupings (links per
 * workload) instead of each recomputing them from every link.
 */
export function perContext<T>(derive: (ctx: NamespaceRenderContext) => T): (ctx: NamespaceRenderContext) => T {
  const cache = new WeakMap<NamespaceRenderContext, T>();
  return ctx => {
    let hit = cache.get(ctx);
    if (hit === undefined) {
      hit = derive(ctx);
      cache.set(ctx, hit);
    }
    return hit;
  };
}
