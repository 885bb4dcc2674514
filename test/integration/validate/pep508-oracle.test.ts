import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { isValidPep508 } from '../../../src/validate/pep508.js'

// Differential test: our parser against `packaging` (what pip uses) on generated, mostly-near-valid
// dependency strings. Skipped where python3 has no `packaging` module.
const hasPackaging =
  spawnSync('python3', ['-c', 'import packaging.requirements'], { stdio: 'ignore' }).status === 0

function generator(seed: number): () => string {
  let state = seed
  const rnd = (n: number): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) % n
  }
  // Mostly the first (valid) few options, sometimes anything: keeps about a third of cases valid.
  const pick = <T>(a: readonly T[]): T => a[rnd(10) < 8 ? rnd(Math.min(a.length, 4)) : rnd(a.length)] as T
  const names = ['a', 'requests', 'A.b_c-d', 'x1', 'zope.interface', '-a', 'a-', 'a_', '1a', 'café', 'a..b']
  const ops = ['==', '!=', '<=', '>=', '<', '>', '~=', '===', '=', '=>', '~', '']
  const vers = ['1', '1.0', '1.0.*', '1.*', '1.0+local', '1.0rc1', 'v2.0', '1!2.0', '1.0.post1', '1.0.dev0']
  vers.push(
    '1.0-1',
    '1.0a',
    'foo',
    '1.0.*.1',
    '2.0b2.post3.dev4',
    '1.0+abc.*',
    '1.0_rc_1',
    '*',
    '1..0',
    '1.0-',
  )
  const ws = ['', ' ', '  ', '\t']
  const envs = [
    'python_version',
    'os_name',
    'sys_platform',
    'extra',
    'platform.machine',
    'os.name',
    'python_versionx',
  ]
  envs.push('implementation_name', 'foo', 'dependency_groups', 'extras')
  const strs = ['"3.8"', "'nt'", `"it's"`, "'x\\\\y'", '"unterminated', "''", '"a b"']
  const mops = ['==', '!=', '<', '>=', '~=', '===', 'in', 'not in', 'notin', 'not  in', '=', 'is']
  const marker = (d = 0): string => {
    const r = rnd(10)
    if (d < 2 && r === 0) return `(${pick(ws)}${marker(d + 1)}${pick(ws)})`
    if (d < 2 && r === 1)
      return marker(d + 1) + pick([' and ', ' or ', 'and ', ' and', ' AND ', ' or']) + marker(d + 1)
    if (d < 2 && r === 2) return `(${marker(d + 1)}`
    const v = () => (rnd(2) ? pick(envs) : pick(strs))
    return v() + pick(ws) + pick(mops) + pick(ws) + v()
  }
  return () => {
    let s = pick(ws) + pick(names)
    if (rnd(3) === 0) s += pick(ws) + pick(['[]', '[x]', '[x,y]', '[ x , y ]', '[x,]', '[', '[x y]', '[-x]'])
    const form = rnd(6)
    if (form === 0) {
      s += `${pick(ws)}@${pick(ws)}${pick(['https://x.y/z.whl', 'file:///tmp/x', './local', '', 'git+https://g/r@v1'])}`
    } else if (form > 1) {
      const parts: string[] = []
      for (let i = 0, n = 1 + rnd(3); i < n; i++) parts.push(pick(ws) + pick(ops) + pick(ws) + pick(vers))
      let v = parts.join(pick([',', ', ', ' ,', ' ']))
      if (rnd(6) === 0) v += ','
      if (rnd(4) === 0) v = `${pick(ws)}(${v}${pick([')', ' )', ''])}`
      s += v
    }
    if (rnd(2) === 0) s += `${pick(ws)};${pick(ws)}${rnd(8) ? marker() : ''}`
    if (rnd(8) === 0) s += pick([' x', ',', ')', ' ;'])
    return s + pick(ws)
  }
}

describe.skipIf(!hasPackaging)('PEP 508 parser agrees with packaging', () => {
  it('on 6000 generated specifiers', () => {
    const next = generator(20240601)
    const cases = [...new Set(Array.from({ length: 6000 }, next))]
    const script = [
      'import json, sys',
      'from packaging.requirements import Requirement',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    try:',
      '        Requirement(c); out.append(True)',
      '    except Exception:',
      '        out.append(False)',
      'print(json.dumps(out))',
    ].join('\n')
    const stdout = execFileSync('python3', ['-c', script], { input: JSON.stringify(cases) }).toString()
    const verdicts = z.array(z.boolean()).length(cases.length).parse(JSON.parse(stdout))
    const disagreements = cases
      .map((spec, i) => ({ spec, ours: isValidPep508(spec), packaging: verdicts[i] }))
      // Deliberate: we reject `===` with an empty version, which packaging lets through.
      .filter((d) => d.ours !== d.packaging && !/===\s*(?:[,;)]|$)/.test(d.spec))
    expect(disagreements).toEqual([])
    expect(cases.filter((c) => isValidPep508(c)).length).toBeGreaterThan(cases.length / 5)
  })
})
