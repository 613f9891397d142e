/**
 * JSON Schema (draft 2020-12) of the CLI's `--output json`, mirroring the TypeScript types in
 * `json-output.ts` and `../types.ts`. Print it with `cdk8s-zero-trust schema`.
 */
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const verdict = (values: string[]) => ({ type: 'string', enum: values });

const accessPath = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'destination', 'protocol', 'port', 'servicePorts', 'l4', 'l7', 'verdict', 'requests', 'reasons', 'caveats', 'platform'],
  properties: {
    source: str,
    destination: str,
    protocol: verdict(['tcp', 'udp', 'sctp']),
    port: { type: 'string', pattern: '^(any|[0-9]+(-[0-9]+)?)$' },
    portName: str,
    servicePorts: strings,
    l4: verdict(['allow', 'deny']),
    l7: verdict(['allow', 'deny', 'unknown', 'n/a']),
    verdict: verdict(['allow', 'deny', 'unknown']),
    requests: strings,
    reasons: strings,
    caveats: strings,
    mtls: str,
    dryRunL7: verdict(['allow', 'deny', 'unknown', 'n/a']),
    gap: verdict(['open at L4, closed at L7', 'open at L7, closed at L4']),
    platform: { type: 'boolean' },
  },
};

const reachedNode = {
  type: 'object',
  additionalProperties: false,
  required: ['node', 'hops', 'via', 'paths', 'uncertain'],
  properties: { node: str, hops: { type: 'integer', minimum: 1 }, via: strings, paths: strings, uncertain: { type: 'boolean' } },
};

const change = verdict(['added', 'removed', 'changed', 'unchanged']);

export const OUTPUT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/cdk8s-zero-trust/cdk8s-zero-trust/analysis-output.schema.json',
  title: 'cdk8s-zero-trust analyzer output',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['schemaVersion', 'command', 'allowed', 'paths', 'workloads', 'findings'],
      properties: {
        schemaVersion: { const: 1 },
        command: { const: 'reach' },
        allowed: strings,
        paths: { type: 'array', items: { $ref: '#/$defs/accessPath' } },
        workloads: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'namespace', 'name', 'kind', 'serviceAccount', 'sidecar', 'platform', 'representative', 'ports', 'ingressIsolated', 'egressIsolated'],
            properties: {
              id: str,
              namespace: str,
              name: str,
              kind: str,
              serviceAccount: str,
              sidecar: { type: 'boolean' },
              platform: { type: 'boolean' },
              representative: { type: 'boolean' },
              ports: strings,
              ingressIsolated: { type: 'boolean' },
              egressIsolated: { type: 'boolean' },
            },
          },
        },
        findings: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'subject', 'message'],
            properties: { kind: verdict(['unsupported', 'assumption', 'gap', 'warning']), subject: str, message: str },
          },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['schemaVersion', 'command', 'blastRadius'],
      properties: {
        schemaVersion: { const: 1 },
        command: { const: 'blast-radius' },
        blastRadius: {
          type: 'object',
          additionalProperties: false,
          required: ['workload', 'direct', 'transitive'],
          properties: { workload: str, direct: { type: 'array', items: reachedNode }, transitive: { type: 'array', items: reachedNode } },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['schemaVersion', 'command', 'diff', 'approved', 'failed'],
      properties: {
        schemaVersion: { const: 1 },
        command: { const: 'diff' },
        approved: { type: 'boolean' },
        failed: { type: 'boolean' },
        diff: {
          type: 'object',
          additionalProperties: false,
          required: ['changes', 'widened', 'narrowed'],
          properties: {
            widened: { type: 'integer', minimum: 0 },
            narrowed: { type: 'integer', minimum: 0 },
            changes: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['path', 'l4', 'l7', 'combined'],
                properties: { path: str, l4: change, l7: change, combined: change, before: { $ref: '#/$defs/accessPath' }, after: { $ref: '#/$defs/accessPath' } },
              },
            },
          },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['schemaVersion', 'command', 'request', 'l4', 'l7', 'verdict', 'reasons', 'caveats'],
      properties: {
        schemaVersion: { const: 1 },
        command: { const: 'check' },
        request: str,
        l4: verdict(['allow', 'deny']),
        l7: verdict(['allow', 'deny', 'unknown', 'n/a']),
        verdict: verdict(['allow', 'deny', 'unknown']),
        reasons: strings,
        caveats: strings,
      },
    },
  ],
  $defs: { accessPath },
};
