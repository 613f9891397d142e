// Entry point of `cdk8s synth` (see cdk8s.yaml): builds every example into dist/.
export {};
