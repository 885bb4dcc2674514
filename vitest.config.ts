import { defineConfig } from 'vitest/config'

// Two tiers: `fast` never spawns a process; `integration` uses real git repos, servers and binaries.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain `N passed, N failed` closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test/.tmp/vitest-report.json' },
    projects: [
      { test: { name: 'fast', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
})
