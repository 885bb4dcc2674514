import type { ServerReply, ServerRequest } from './model-server.js'

/**
 * Canned, sensible model replies for the demo scenario (src/demo/scenario.ts), keyed by the reply
 * kind the host names in its system prompt. Used by the demo recorder and the CLI e2e tests, so the
 * same scripted "model" answers the same prompts everywhere.
 */

const PRICING: Record<string, string[]> = {
  line_total: [
    'def line_total(self, quantity: int, unit_cents: int) -> int:',
    '    """Price of one invoice line."""',
    '    if quantity < 0:',
    '        raise ValueError("quantity cannot be negative")',
    '    return quantity * unit_cents',
  ],
  discount: [
    'def discount(self, cents: int, percent: int) -> int:',
    '    """Cents left after a percentage discount."""',
    '    if not 0 <= percent <= 100:',
    '        raise ValueError("percent must be between 0 and 100")',
    '    return cents - cents * percent // 100',
  ],
  tax: [
    'def tax(self, cents: int, rate_percent: int) -> int:',
    '    """Tax due on an amount, rounded half up."""',
    '    return (cents * rate_percent + 50) // 100',
  ],
  format_cents: [
    'def format_cents(self, cents: int) -> str:',
    '    """Render cents as a decimal string."""',
    '    sign = "-" if cents < 0 else ""',
    '    whole, frac = divmod(abs(cents), 100)',
    '    return f"{sign}{whole}.{frac:02d}"',
  ],
  parse_cents: [
    'def parse_cents(self, text: str) -> int:',
    '    """Parse a decimal string into cents."""',
    '    whole, _, frac = text.strip().partition(".")',
    '    return int(whole) * 100 + int((frac + "00")[:2])',
  ],
}

function content(value: unknown): ServerReply {
  return { content: JSON.stringify(value) }
}

function intentOf(text: string): string {
  return /Intent: (.*)/.exec(text)?.[1] ?? ''
}

/** Current text of the node as the prompt quotes it (after "is currently:" / "skeleton is:"). */
function nodeTextOf(text: string): string {
  const m = /(?:is currently|its skeleton is):\n([\s\S]*?)\n\n(?:Outline|Parent outline)/.exec(text)
  return m?.[1] ?? ''
}

/** Answers one chat request the way a careful model would for the demo's two examples. */
export function demoRespond(req: ServerRequest): ServerReply {
  const system = req.messages.find((m) => m.role === 'system')?.content ?? ''
  const kind = /Reply kind: ([a-z_]+)\./.exec(system)?.[1] ?? ''
  const prompt = req.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n\n')
  const intent = intentOf(prompt).toLowerCase()
  switch (kind) {
    case 'vote':
      return content({ relevance: 0.1, reason: 'not named by the intent' })
    case 'dependencies':
      return content({
        dependencies_add: intent.includes('requests') ? ['requests>=2.32'] : [],
        optional_add: intent.includes('pytest-cov') ? { test: ['pytest>=8', 'pytest-cov>=5'] } : {},
      })
    case 'tests_config': {
      const pct = /(\d+)\s*%/.exec(intent)
      return content({
        pytest_addopts: ['--cov=invoicer', '--cov-report=term-missing'],
        testpaths: ['tests'],
        coverage_fail_under: pct ? Number(pct[1]) : null,
        coverage_source: ['invoicer'],
      })
    }
    case 'code': {
      const name = /The (?:method|function|class) `([^`]+)`/.exec(prompt)?.[1] ?? ''
      const known = PRICING[name]
      const fallback = nodeTextOf(prompt) || `def ${name || 'f'}() -> None:\n    pass\n`
      return content({ code: known ? `${known.join('\n')}\n` : fallback })
    }
    case 'markdown':
      return content({ markdown: nodeTextOf(prompt) || '# Notes\n' })
    case 'scripts':
      return content({ scripts_set: {} })
    case 'toml_plan':
      return content({ set: {}, append: {} })
    default:
      return { status: 400, body: { error: { message: `demo responder: unknown reply kind "${kind}"` } } }
  }
}
