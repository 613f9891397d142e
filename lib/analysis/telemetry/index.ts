export { DeniedCall, PathUsage, Review, SuggestedLink, Suggestion, SuggestOptions } from './types';
export { Telemetry, TelemetryOptions } from './telemetry';
