import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { CommandValidator, ValidateConfig } from '../config/schema.js'
import type { LanguageId } from '../syntax/types.js'
import { runCommandValidator } from './command.js'
import { pyrightCheck } from './pyright.js'
import { ruffCheck } from './ruff.js'
import type { SandboxOptions } from './sandbox.js'
import { tomlCheck } from './toml.js'
import type { ValidationLevel, ValidationTarget, Validator } from './types.js'

/** Options for {@link validatorsFor} that do not live in the config file. */
export interface RegistryOptions extends SandboxOptions {
  /** Python version pyright checks against (default `3.12`). */
  pythonVersion?: string
}

async function bytesOf(target: ValidationTarget): Promise<Buffer> {
  return target.bytes ?? readFile(join(target.dir, target.path))
}

function ruffValidator(config: ValidateConfig, nodeLevel: boolean): Validator {
  return {
    name: 'ruff',
    run: async (target) =>
      ruffCheck(await bytesOf(target), {
        path: target.path,
        select: config.ruff_select,
        lines: nodeLevel ? target.lines : undefined,
      }),
  }
}

function pyrightValidator(config: ValidateConfig, opts: RegistryOptions): Validator {
  return {
    name: 'pyright',
    run: (target) =>
      pyrightCheck(target.dir, [target.path], {
        sandbox: config.sandbox,
        pythonVersion: opts.pythonVersion,
        bwrapPath: opts.bwrapPath,
        signal: target.signal,
      }),
  }
}

function tomlValidator(nodeLevel: boolean): Validator {
  return {
    name: 'toml',
    run: async (target) =>
      tomlCheck(await bytesOf(target), {
        pyproject: basename(target.path) === 'pyproject.toml',
        path: target.path,
        scope: nodeLevel ? target.tomlScope : undefined,
      }),
  }
}

function commandValidator(cmd: CommandValidator, config: ValidateConfig, opts: RegistryOptions): Validator {
  return {
    name: cmd.name,
    run: (target) =>
      runCommandValidator(cmd, target.dir, config.sandbox, {
        bwrapPath: opts.bwrapPath,
        signal: target.signal,
      }),
  }
}

/**
 * The validators an agent runs at its own level, in order: a Python node gets Ruff (its lines only);
 * a TOML node parse + schema (its keys only); a Python file Ruff + Pyright; a TOML file parse + schema;
 * a directory or the repo the configured commands of that level. Markdown has none yet.
 */
export function validatorsFor(
  level: ValidationLevel,
  lang: LanguageId | null,
  config: ValidateConfig,
  opts: RegistryOptions = {},
): Validator[] {
  if (level === 'directory' || level === 'repo') {
    return config.commands
      .filter((cmd) => cmd.level === level)
      .map((cmd) => commandValidator(cmd, config, opts))
  }
  if (lang === 'python') {
    const out: Validator[] = []
    if (config.ruff) out.push(ruffValidator(config, level === 'node'))
    if (level === 'file' && config.pyright) out.push(pyrightValidator(config, opts))
    return out
  }
  if (lang === 'toml') return [tomlValidator(level === 'node')]
  return []
}
