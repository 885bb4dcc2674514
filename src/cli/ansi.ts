/** Minimal ANSI styling and cursor control, so the CLI needs no colour or TUI dependency. */

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const

/** A colour or weight the renderers may ask for. */
export type StyleName = keyof typeof CODES

/** Wraps text in a style; identity when colour is off, so renderers stay pure and testable. */
export type Styler = (name: StyleName, text: string) => string

/** Builds a styler: real escape codes when `enabled`, plain text otherwise. */
export function makeStyler(enabled: boolean): Styler {
  if (!enabled) return (_name, text) => text
  return (name, text) => {
    const [open, close] = CODES[name]
    return `\u001b[${open}m${text}\u001b[${close}m`
  }
}

/** Plain styler used for non-TTY output and tests. */
export const plain: Styler = (_name, text) => text

/** Moves the cursor up `n` lines to column 0 (used to redraw the live tree in place). */
export function cursorUp(n: number): string {
  return n > 0 ? `\u001b[${n}F` : '\r'
}

/** Clears from the cursor to the end of the screen. */
export const CLEAR_DOWN = '\u001b[0J'
/** Hides the cursor while the live tree redraws. */
export const HIDE_CURSOR = '\u001b[?25l'
/** Shows the cursor again when the live tree is done. */
export const SHOW_CURSOR = '\u001b[?25h'

/** Removes escape sequences, e.g. to measure visible width or to snapshot coloured output. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
}
