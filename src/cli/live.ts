import type { RunEvent } from '../agents/types.js'
import { CLEAR_DOWN, cursorUp, HIDE_CURSOR, makeStyler, SHOW_CURSOR } from './ansi.js'
import { applyEvent, emptyLiveState, type LiveState } from './live-state.js'
import { plainEventLine, renderFrame } from './render-live.js'

/** Where progress goes: a terminal (redrawn in place) or a pipe/file (plain lines). */
export interface LiveOptions {
  write: (text: string) => void
  tty: boolean
  color: boolean
  /** Terminal height; the tree folds quiet agents to fit. */
  rows?: number
  now?: () => number
}

/** A running progress display fed with run events. */
export interface LiveView {
  onEvent: (e: RunEvent) => void
  /** Draws the final frame, restores the cursor and stops the clock. */
  stop: () => void
  readonly state: LiveState
}

// Autowrap off while drawing: long lines are clipped instead of wrapping, so the line count stays exact.
const WRAP_OFF = '\u001b[?7l'
const WRAP_ON = '\u001b[?7h'

/** Creates the live view: in-place ANSI redraws on a TTY, one plain line per event otherwise. */
export function createLiveView(opts: LiveOptions): LiveView {
  const state = emptyLiveState()
  const now = opts.now ?? Date.now
  const started = now()
  if (!opts.tty) {
    return {
      state,
      onEvent: (e) => {
        applyEvent(state, e)
        const line = plainEventLine(e)
        if (line !== null) opts.write(`${line}\n`)
      },
      stop: () => {},
    }
  }
  const style = makeStyler(opts.color)
  let drawn = 0
  let dirty = true
  let stopped = false
  const draw = (): void => {
    // Some pseudo-terminals report 0 rows; treat that as unknown.
    const rows = opts.rows !== undefined && opts.rows > 0 ? opts.rows : 40
    const lines = renderFrame(state, now() - started, style, Math.max(8, rows - 2))
    for (const w of state.warnings.slice(-3)) lines.push(style('yellow', `warning: ${w}`))
    opts.write(`${drawn > 0 ? cursorUp(drawn) : ''}${CLEAR_DOWN}${WRAP_OFF}${lines.join('\n')}\n${WRAP_ON}`)
    drawn = lines.length
    dirty = false
  }
  opts.write(HIDE_CURSOR)
  // The clock ticks even when no event arrives, so elapsed time keeps moving during slow model calls.
  const timer = setInterval(() => {
    if (!stopped) draw()
  }, 250)
  timer.unref()
  const flush = setInterval(() => {
    if (dirty && !stopped) draw()
  }, 50)
  flush.unref()
  return {
    state,
    onEvent: (e) => {
      applyEvent(state, e)
      dirty = true
    },
    stop: () => {
      if (stopped) return
      clearInterval(timer)
      clearInterval(flush)
      draw()
      stopped = true
      opts.write(SHOW_CURSOR)
    },
  }
}
