/**
 * Per-layer counters, `netstat -s` style. Names are `<layer>.<what>`, and drops are
 * `<layer>.drop.<reason>` with the reason strings the codecs return, so every discarded
 * frame is visible under the reason it was discarded for.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** Counts a dropped frame under its layer and reason. */
  drop(layer: string, reason: string): void {
    this.inc(`${layer}.drop.${reason}`);
    this.inc(`${layer}.drops`);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** All counters, sorted by name. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.values.keys()].sort()) out[name] = this.values.get(name)!;
    return out;
  }

  reset(): void {
    this.values.clear();
  }
}

/** Renders counters grouped by layer, one indented line per counter. */
export function formatCounters(counters: Record<string, number>): string {
  const lines: string[] = [];
  let layer = '';
  for (const name of Object.keys(counters).sort()) {
    const dot = name.indexOf('.');
    const group = dot < 0 ? name : name.slice(0, dot);
    if (group !== layer) {
      layer = group;
      lines.push(`${layer}:`);
    }
    lines.push(`    ${counters[name]} ${dot < 0 ? name : name.slice(dot + 1)}`);
  }
  return lines.join('\n');
}
