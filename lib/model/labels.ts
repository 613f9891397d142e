/**
 * The label the library puts on the pods of a workload auditing on its own (value: the
 * workload name), so the namespace's default-deny can leave out exactly those pods. It is
 * reserved: refused in any workload's own labels, so no other pod carries it by accident.
 */
export const AUDIT_POD_LABEL = 'cdk8s-zero-trust/audit';
