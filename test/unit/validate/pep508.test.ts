import { describe, expect, it } from 'vitest'
import { isValidVersion, specifierSetProblem } from '../../../src/validate/pep440.js'
import { isValidPep508, parsePep508 } from '../../../src/validate/pep508.js'

// Every verdict below was cross-checked against `packaging.requirements.Requirement` (packaging 26),
// the parser pip uses, except the one deliberate difference noted at the end.
const VALID = [
  'requests',
  'A',
  'a.b_c-d',
  'a_',
  'zope.interface>=5',
  'requests>=2.31',
  'requests >= 2.31 , < 3',
  'requests>=2.31,<3,',
  'requests (>=2.31)',
  'requests ( >=2.31, <3 )',
  'requests ()',
  'requests[socks]',
  'requests[socks,security]>=2',
  'requests [ socks , security ] >= 2',
  'requests[]',
  'pytest-cov>=4.1',
  'numpy==1.26.*',
  'numpy!=1.26.*',
  'numpy==1.0+local.7',
  'numpy!=1.0+abc',
  'numpy~=1.26',
  'numpy~=1.26.0rc1',
  'numpy==1!2.0',
  'numpy==v1.0',
  'numpy>=1.0rc1.post2.dev3',
  'numpy==1.0-1',
  'numpy==1.0_dev',
  'numpy==1.0-r2',
  'numpy<=2.0a1',
  'numpy===foo-bar',
  'numpy===1,>=1.0',
  'name @ https://example.com/pkg-1.0.whl',
  'name@https://example.com/pkg.tar.gz',
  'name @ git+https://github.com/o/r.git@v1.0#egg=name',
  'name @ file:///tmp/wheel.whl',
  'name[extra] @ https://example.com/x.whl ; python_version >= "3.9"',
  'name @ https://example.com/x.whl\t; os_name == "posix"',
  'requests; python_version < "3.8"',
  'requests ;python_version<"3.8"',
  "requests; python_version >= '3.9' and sys_platform == 'linux'",
  'requests; extra == "test" and (os_name == "nt" or os_name == "posix")',
  'requests; (python_version < "3.8" or python_version >= "3.12") and platform_machine == "x86_64"',
  'requests; "linux" in sys_platform',
  "requests; os_name not in 'nt posix'",
  "requests; os_name not  in 'x'",
  "requests; python_version ~= '3.8'",
  "requests; python_full_version === '3.8.0'",
  "requests; 'a' == 'b'",
  'requests; python_version == os_name',
  "requests; platform.python_implementation == 'CPython'",
  "requests; implementation_name == 'cpython' and platform_release >= '5'",
  `requests; os_name == "it's"`,
  String.raw`requests; os_name == 'back\slash'`,
  "requests; python_version=='3.8'and os_name=='nt'",
  "requests; dependency_groups == 'x'",
  '  requests  ',
  '\trequests>=1\t',
]

const INVALID = [
  '',
  '   ',
  '-requests',
  'requests-',
  'requests.',
  'café',
  '.requests',
  'requests[socks,]',
  'requests[',
  'requests[so cks]',
  'requests[-x]',
  'requests >= ',
  'requests>=',
  'requests =1.0',
  'requests => 1.0',
  'requests ~ 1.0',
  'requests 1.0',
  'requests>=1 b',
  'requests>=1 <2',
  'requests>=2,,<3',
  'requests (>=1',
  'requests >=1)',
  'numpy~=1',
  'numpy~=1.0.*',
  'numpy~=1.0+local',
  'numpy>1.*',
  'numpy<=1.0+local',
  'numpy<1.0+local',
  'numpy==1.0+abc.*',
  'numpy==1..0',
  'numpy==1.0.*.1',
  'numpy==latest',
  'numpy==*',
  'numpy===1,>=1.0.*',
  'numpy===1, <2',
  'name @ https://example.com/x.whl; os_name == "nt"',
  'name @ ',
  'name @',
  'requests;',
  'requests; ',
  'requests; python_version',
  'requests; python_version >',
  'requests; python_version > "3.8" or',
  'requests; python_version > "3.8" and',
  'requests; (os_name == "nt"',
  'requests; os_name == "nt")',
  "requests; python_version=='3.8'andos_name=='nt'",
  "requests; os_name notin 'x'",
  "requests; os_name is 'x'",
  "requests; os_name = 'x'",
  "requests; python_versionx == '3'",
  "requests; unknown_var == '3'",
  "requests; os_name == 'unterminated",
  'requests; os_name == "nt" AND python_version > "3"',
  'requests; os_name == nt',
  'requests >=1.0 ; os_name == "nt" extra',
  // Deliberately stricter than `packaging`, which accepts an empty arbitrary-equality version.
  'requests===',
]

describe('isValidPep508', () => {
  it.each(VALID)('accepts %j', (spec) => {
    expect(parsePep508(spec)).toMatchObject({ ok: true })
    expect(isValidPep508(spec)).toBe(true)
  })

  it.each(INVALID)('rejects %j', (spec) => {
    expect(isValidPep508(spec)).toBe(false)
  })
})

describe('parsePep508', () => {
  it('returns the name, extras, specifiers and marker', () => {
    const parsed = parsePep508('requests[socks, security] >=2.31, <3 ; python_version >= "3.9"')
    expect(parsed).toEqual({
      ok: true,
      value: {
        name: 'requests',
        extras: ['socks', 'security'],
        specifiers: [
          { op: '>=', version: '2.31' },
          { op: '<', version: '3' },
        ],
        url: null,
        marker: 'python_version >= "3.9"',
      },
    })
  })

  it('returns the URL of a direct reference', () => {
    const parsed = parsePep508('pkg @ https://example.com/pkg.whl ; os_name == "nt"')
    expect(parsed.ok && parsed.value.url).toBe('https://example.com/pkg.whl')
    expect(parsed.ok && parsed.value.marker).toBe('os_name == "nt"')
  })

  it('points at the offending column', () => {
    const parsed = parsePep508('requests>=2,<=1.0+local')
    expect(parsed).toMatchObject({ ok: false, offset: 14 })
    expect(parsed.ok ? '' : parsed.error).toContain('local version')
    const noVersion = parsePep508('requests >= ')
    expect(noVersion).toMatchObject({ ok: false, error: "expected a version after '>='" })
  })
})

describe('PEP 440 helpers', () => {
  it.each(['1', '1.0', '2024.1.15', '1.0rc1', '1!1.0.post2.dev3+ubuntu.1', 'v1.2', '1.0-1'])(
    'version %j',
    (v) => {
      expect(isValidVersion(v)).toBe(true)
    },
  )

  it.each(['', 'x', '1.0.', '1..0', '1.0-', '1.*', 'latest', '1.0+'])('rejects version %j', (v) => {
    expect(isValidVersion(v)).toBe(false)
  })

  it('checks requires-python style specifier sets', () => {
    expect(specifierSetProblem('>=3.9')).toBeNull()
    expect(specifierSetProblem('>=3.9, <4,')).toBeNull()
    expect(specifierSetProblem('~=3.10')).toBeNull()
    expect(specifierSetProblem('3.9')).toMatch(/expected an operator/)
    expect(specifierSetProblem('>=3.*')).toMatch(/'\.\*'/)
    expect(specifierSetProblem('~=3')).toMatch(/two release segments/)
  })
})
