// Public surface of the validation layer: per-level validators and the sandboxed command runner.
export { type CommandRunOptions, runCommandValidator } from './command.js'
export { isValidVersion, specifierSetProblem } from './pep440.js'
export { isValidPep508, type Pep508Parse, type Pep508Requirement, parsePep508 } from './pep508.js'
export { OutputCapture } from './process.js'
export { formatSchemaIssues, Pep508String, PyprojectSchema } from './pyproject-schema.js'
export { type PyrightOptions, pyrightCheck, pyrightEntry } from './pyright.js'
export { type RegistryOptions, validatorsFor } from './registry.js'
export { type RuffOptions, ruffCheck, ruffFormat } from './ruff.js'
export { bwrapArgv, detectSandbox, type SandboxInfo, type SandboxOptions, validationEnv } from './sandbox.js'
export { type TomlCheckOptions, tomlCheck } from './toml.js'
export {
  type SandboxMode,
  type ValidationLevel,
  type ValidationResult,
  ValidationResultSchema,
  type ValidationTarget,
  type Validator,
} from './types.js'
