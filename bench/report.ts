import type { CyclesRun } from './cycles.js';
import { cpus, totalmem, release } from 'node:os';
import type { Measurement } from './load.js';
import type { BenchOptions, ConfigName } from './options.js';
import type { ScenarioName } from './scenarios.js';

export interface Growth {
  smallProfiles: number;
  largeProfiles: number;
  seedSeconds: number;
  small: Measurement;
  large: Measurement;
  /** p99 at the large count ÷ p99 at the small count (target ≤ 1.5). */
  p99Ratio: number;
}

export interface ConfigResult {
  name: ConfigName;
  database: string;
  durability: string;
  postgres?: Record<string, string>;
  scenarios: Partial<Record<ScenarioName, Measurement>>;
  /** Throughput ÷ the floor's, per scenario. */
  vsFloor: Partial<Record<ScenarioName, number>>;
  growth?: Growth;
  /** Largest VmHWM of any gateway process of this configuration. */
  gatewayPeakRssBytes: number;
  /** The `cycles` runs (bench/cycles.ts): one instance, and two on PostgreSQL. */
  cycles?: CyclesRun[];
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; kernel: string; node: string; note: string };
  options: BenchOptions;
  configs: ConfigResult[];
  targets: Array<{ config: ConfigName; target: string; value: string; met: boolean }>;
}

export function machine(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    note: 'load generator and server share the machine',
  };
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The targets of issue 8, evaluated for one configuration. */
export function targetsOf(c: ConfigResult): BenchReport['targets'] {
  const out: BenchReport['targets'] = [];
  const debit = c.scenarios.debit;
  const ratio = c.vsFloor.debit;
  if (debit && ratio !== undefined) {
    out.push({
      config: c.name,
      target: 'debit ≥ 0.5× floor',
      value: `${ratio.toFixed(2)}×`,
      met: ratio >= 0.5,
    });
    out.push({
      config: c.name,
      target: 'debit p99 ≤ 25 ms',
      value: `${ms(debit.latencyMs.p99)} ms`,
      met: debit.latencyMs.p99 <= 25,
    });
  }
  for (const r of c.cycles ?? []) {
    const who = `cycles, ${r.instances} instance${r.instances > 1 ? 's' : ''}`;
    if (r.vsDebit !== null)
      out.push({
        config: c.name,
        target: `${who} ≥ 0.8× debit`,
        value: `${r.vsDebit.toFixed(2)}×`,
        met: r.vsDebit >= 0.8,
      });
    out.push({
      config: c.name,
      target: `${who}: no duplicate, none left`,
      value: `${r.duplicates} duplicates, ${r.unfinished} left`,
      met: r.duplicates === 0 && r.unfinished === 0,
    });
  }
  if (c.growth) {
    out.push({
      config: c.name,
      target: `p99 at ${c.growth.largeProfiles} ≤ 1.5× p99 at ${c.growth.smallProfiles}`,
      value: `${c.growth.p99Ratio.toFixed(2)}×`,
      met: c.growth.p99Ratio <= 1.5,
    });
  }
  out.push({
    config: c.name,
    target: 'gateway peak RSS ≤ 256 MB',
    value: mb(c.gatewayPeakRssBytes),
    met: c.gatewayPeakRssBytes <= 256 * 2 ** 20,
  });
  return out;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const HEADER = [
  'scenario',
  'req/s',
  '× floor',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'errors',
  'non-2xx',
  'peak RSS',
];

function measurementRow(label: string, m: Measurement, vsFloor: number | undefined): string {
  return row([
    label,
    m.rps.toFixed(0),
    vsFloor === undefined ? '' : `${vsFloor.toFixed(2)}×`,
    ms(m.latencyMs.p50),
    ms(m.latencyMs.p95),
    ms(m.latencyMs.p99),
    ms(m.latencyMs.max),
    String(m.errors),
    String(m.non2xx),
    mb(m.peakRssBytes),
  ]);
}

/** Markdown: readable in a terminal, and pasted as is into docs/performance.md. */
export function markdown(report: BenchReport): string {
  const o = report.options;
  const lines: string[] = [
    `Run ${report.date} on ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ` +
      `Linux ${report.machine.kernel}, Node ${report.machine.node}${o.quick ? ' (--quick)' : ''}.`,
    `${o.connections} connections, ${o.warmupS} s warm-up + ${o.durationS} s measured per scenario; ` +
      `${o.smallProfiles} profiles seeded; log level ${o.logLevel}.`,
    '',
  ];
  for (const c of report.configs) {
    lines.push(`### ${c.name}: ${c.database}`, '', c.durability, '');
    lines.push(row(HEADER), row(HEADER.map(() => '---')));
    for (const [name, m] of Object.entries(c.scenarios) as Array<[ScenarioName, Measurement]>) {
      lines.push(measurementRow(name, m, name === 'floor' ? undefined : c.vsFloor[name]));
    }
    if (c.growth) {
      const g = c.growth;
      lines.push(measurementRow(`debit @ ${g.largeProfiles} profiles`, g.large, undefined));
      lines.push(
        '',
        `Growth: debit p99 ${ms(g.small.latencyMs.p99)} ms at ${g.smallProfiles} profiles → ` +
          `${ms(g.large.latencyMs.p99)} ms at ${g.largeProfiles} (${g.p99Ratio.toFixed(2)}×); ` +
          `throughput ${g.small.rps.toFixed(0)} → ${g.large.rps.toFixed(0)} req/s; seeding took ${g.seedSeconds.toFixed(0)} s.`,
      );
    }
    for (const r of c.cycles ?? []) {
      lines.push(
        '',
        `Cycles (${r.instances} instance${r.instances > 1 ? 's' : ''}): ${r.schedules} schedules due at one instant, ` +
          `${r.cyclesPerSecond.toFixed(0)} cycles/s (${r.seconds.toFixed(1)} s), ` +
          `${r.vsDebit === null ? 'no debit run to compare' : `${r.vsDebit.toFixed(2)}× the debit scenario`}; ` +
          `duplicates in the sandbox ledger: ${r.duplicates}; unfinished: ${r.unfinished}.`,
      );
    }
    lines.push('', `Gateway peak RSS (VmHWM): ${mb(c.gatewayPeakRssBytes)}.`, '');
    for (const [name, m] of Object.entries(c.scenarios)) {
      if (m.firstFailure)
        lines.push(`First failure in ${name}: \`${m.firstFailure.replace(/`/g, "'")}\``, '');
    }
  }
  lines.push(
    '### Targets',
    '',
    row(['configuration', 'target', 'measured', 'met']),
    row(['---', '---', '---', '---']),
  );
  for (const t of report.targets) lines.push(row([t.config, t.target, t.value, t.met ? 'yes' : '**no**']));
  return lines.join('\n') + '\n';
}
