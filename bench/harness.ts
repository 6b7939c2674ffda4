/** Minimal benchmark harness: medians of several timed runs, reported with a baseline ratio. */
import { performance } from 'node:perf_hooks';

export interface Measurement {
  name: string;
  unit: string;
  /** Median rate over the runs (units per second). */
  median: number;
  runs: number[];
}

/** `--quick` (CI): one timed run per measurement, enough to prove every benchmark still runs. */
export const settings = { quick: false };

/** Every row reported in this run, for bench/results.json. */
export const recorded: { name: string; unit: string; median: number; baseline?: string; ratio?: number }[] = [];

/** Runs `body` (which returns how many units it processed) `runs` times after a warm-up. */
export function measure(name: string, unit: string, body: () => number, runs = 7): Measurement {
  body(); // warm-up: lets the JIT settle so runs compare like with like
  if (settings.quick) runs = 1;
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const units = body();
    const seconds = (performance.now() - start) / 1000;
    rates.push(units / seconds);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { name, unit, median: sorted[Math.floor(sorted.length / 2)], runs: rates };
}

export function formatRate(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(1);
}

/** One table row: the measurement, and its ratio to the baseline measured in the same run. */
export function row(m: Measurement, baseline?: Measurement): string {
  recorded.push({ name: m.name, unit: `${m.unit.trim()}/s`, median: m.median, ...(baseline ? { baseline: baseline.name, ratio: m.median / baseline.median } : {}) });
  const ratio = baseline ? `${(m.median / baseline.median).toFixed(3)} × ${baseline.name}` : '(baseline)';
  return `| ${m.name} | ${formatRate(m.median)}${m.unit}/s | ${ratio} |`;
}
