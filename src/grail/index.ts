/** Grail-compatible .pym scripts: parse and check with tree-sitter, run sandboxed in Monty. */
export { type CheckOptions, checkPym, formatDiagnostic, type KnownExternals } from './check.js'
export { GrailError, type GrailErrorName, isGrailError } from './errors.js'
export {
  externalStub,
  HOST_EXTERNALS,
  type HostExternal,
  type HostExternalParam,
  hostExternal,
} from './externals.js'
export { type GrailLimits, LIMIT_PRESETS, type LimitPreset } from './limits.js'
export { clearPymCache, type LoadOptions, loadPym, loadPymSource } from './load.js'
export { formatType, type PyType, parseTypeText } from './pytype.js'
export { type ExternalImpl, type RunPymOptions, runPym } from './run.js'
export type { Diagnostic, ParamKind, PymExternal, PymInput, PymParam, PymScript } from './types.js'
