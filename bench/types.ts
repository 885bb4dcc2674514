/** One measured figure, reported next to its baseline as a ratio where there is one. */
export interface BenchResult {
  area: string
  name: string
  value: number
  unit: string
  baseline?: { name: string; value: number }
  ratio?: number
  target?: string
  pass?: boolean
  note?: string
}
