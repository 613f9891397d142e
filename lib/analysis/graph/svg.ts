/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly: no system binary needed.
 * `@hpcc-js/wasm-graphviz` is ESM-only; a dynamic `import()` (kept as-is in CommonJS output
 * under `module: node16`) loads it from this CommonJS package.
 */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg');
}
