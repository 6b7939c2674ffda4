/**
 * Per-layer counters, `netstat -s` style. Names are `<layer>.<what>`, and drops are
 * `<layer>.drop.<reason>`, so every discarded frame is visible under the reason it was
 * discarded for.
 *
 * The hot path never touches a name: each counter has a numeric id, taken once when a
 * module loads (`counterId`, `dropCounterId`), that indexes a Float64Array. Names live
 * only in the table below, read by `get` (tests) and `snapshot` (status page, `--stats`).
 */

/** Name of each id; shared by every stack in the realm (ids are the same everywhere). */
const names: string[] = [];
const idsByName = new Map<string, number>();
/** For a drop counter, the id of its layer's `<layer>.drops` total; -1 for others. */
const totalOf: number[] = [];

/**
 * The id of the counter `name`, registered on first use. Call at module load, never per
 * event; on Moddable, registering after the modules were preloaded fails (the table is
 * frozen), so every name the stack counts is registered at load.
 */
export function counterId(name: string): number {
  let id = idsByName.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    totalOf.push(-1);
    idsByName.set(name, id);
  }
  return id;
}

/** The id of `<layer>.drop.<reason>`; `Counters.drop` also counts it in `<layer>.drops`. */
export function dropCounterId(layer: string, reason: string): number {
  const id = counterId(`${layer}.drop.${reason}`);
  totalOf[id] = counterId(`${layer}.drops`);
  return id;
}

/** The registered name of an id (for messages and tests). */
export function counterName(id: number): string | undefined {
  return names[id];
}

export class Counters {
  /** Float64: byte counters may pass 2^32; doubles count exactly to 2^53. */
  private values: Float64Array;
  /**
   * values.length, kept in a field: on XS a typed array's length is an accessor call, and
   * a segment counts several times.
   */
  private capacity: number;

  constructor() {
    this.values = new Float64Array(Math.max(64, names.length + 16));
    this.capacity = this.values.length;
  }

  /** Adds `by` (default 1) to counter `id`. */
  inc(id: number, by = 1): void {
    // Ids registered after this stack was made (a module loaded late) grow the array once.
    if (id >= this.capacity) this.grow();
    this.values[id] += by;
  }

  /** Counts a dropped frame under its `dropCounterId` and its layer's total. */
  drop(id: number): void {
    if (id >= this.capacity) this.grow();
    this.values[id] += 1;
    const total = totalOf[id];
    if (total >= 0) this.values[total] += 1;
  }

  /** The value of the counter called `name` (0 when never counted). */
  get(name: string): number {
    const id = idsByName.get(name);
    return id === undefined || id >= this.values.length ? 0 : this.values[id];
  }

  /** Every counter that is not zero, sorted by name. */
  snapshot(): Record<string, number> {
    const ids: number[] = [];
    const n = Math.min(names.length, this.values.length);
    for (let id = 0; id < n; id++) if (this.values[id] !== 0) ids.push(id);
    ids.sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
    const out: Record<string, number> = {};
    for (const id of ids) out[names[id]] = this.values[id];
    return out;
  }

  reset(): void {
    this.values.fill(0);
  }

  private grow(): void {
    const bigger = new Float64Array(names.length + 16);
    bigger.set(this.values);
    this.values = bigger;
    this.capacity = bigger.length;
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
