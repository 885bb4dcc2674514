// The character scanner shared by the PEP 508 requirement and marker parsers.

/** A parse failure with the 0-based offset where the input stopped making sense. */
export class Pep508Error extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

const WORD_CHAR = /[A-Za-z0-9_]/

/** A cursor over the specifier text with the small set of moves the grammar needs. */
export class Scanner {
  pos = 0
  constructor(readonly src: string) {}

  wsp(): number {
    const start = this.pos
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++
    return this.pos - start
  }

  peek(text: string): boolean {
    return this.src.startsWith(text, this.pos)
  }

  eat(text: string): boolean {
    if (!this.peek(text)) return false
    this.pos += text.length
    return true
  }

  match(re: RegExp): string | null {
    re.lastIndex = this.pos
    const m = re.exec(this.src)
    if (m === null) return null
    this.pos += m[0].length
    return m[0]
  }

  /** Matches a keyword only at a word boundary, so `andos_name` is not `and os_name`. */
  keyword(word: string): boolean {
    if (!this.peek(word)) return false
    const after = this.src[this.pos + word.length]
    if (after !== undefined && WORD_CHAR.test(after)) return false
    this.pos += word.length
    return true
  }

  error(message: string): Pep508Error {
    return new Pep508Error(message, this.pos)
  }

  atEnd(): boolean {
    return this.pos >= this.src.length
  }
}
