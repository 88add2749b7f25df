// splunkd emulator and modular input runner for TA-oci-audit tests. See README.md in this folder.
export { startSplunkd } from './server';
export { runInput, runValidation, introspectScheme, appendIndex, mergedInputParams, formatExecProcessorLine, stderrLevel } from './runner';
export { buildInputDefinition, buildValidationDefinition, parseScheme, XmlEventStream } from './xml';
export type { Scheme, ParamValue, StreamEvent, InputHeader } from './xml';
export type {
  SplunkdOptions,
  KvFaults,
  KvStoreMode,
  Splunkd,
  RunOptions,
  IndexedEvent,
  RunResult,
  ValidationResult,
  RequestLogEntry,
} from './types';
export { startSplunkWeb } from './web';
export type { SplunkWeb, SplunkWebOptions, SplunkWebRequest, ThemeName } from './web';
export { startReverseProxy } from './reverse-proxy';
export { KvReplicaSet, KvReplica } from './kvstore';
export type { ReverseProxy } from './reverse-proxy';
export { forwardTarget } from './encoded-path';
export type { EncodedPathMode } from './encoded-path';
