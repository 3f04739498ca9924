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

/** The debit scenario on several gateway processes sharing one PostgreSQL database (`--instances`). */
export interface Instances {
  count: number;
  connectionsEach: number;
  each: Measurement[];
  /** Sum of the instances' throughput. */
  totalRps: number;
  /** totalRps ÷ the floor's, and ÷ the single instance's debit throughput of the same run. */
  vsFloor: number | null;
  vsSingle: number | null;
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
  instances?: Instances;
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
  targets: TargetRow[];
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

/** One row of issue 17's target table. `met` is null when the run did not measure it. */
export interface TargetRow {
  configuration: string;
  scenario: string;
  target: string;
  measured: string;
  met: boolean | null;
}

const ratioText = (r: number) => `${r.toFixed(2)}×`;

/**
 * Issue 17's targets, in its order, as ratios to the floor of the same run. Every row is printed, a
 * configuration or scenario the run left out as "not measured", so the table always has the same shape.
 */
export function targetTable(configs: ConfigResult[], connections: number): TargetRow[] {
  const byName = new Map(configs.map((c) => [c.name, c]));
  const ratioRow = (
    name: ConfigName,
    configuration: string,
    scenario: ScenarioName,
    min: number,
    p99Max?: number,
  ): TargetRow => {
    const c = byName.get(name);
    const m = c?.scenarios[scenario];
    const r = c?.vsFloor[scenario];
    const target = `≥ ${min}×${p99Max === undefined ? '' : `, p99 ≤ ${p99Max} ms at ${connections} connections`}`;
    if (!m || r === undefined)
      return { configuration, scenario, target, measured: 'not measured', met: null };
    const measured = `${ratioText(r)}${p99Max === undefined ? '' : `, p99 ${ms(m.latencyMs.p99)} ms`}`;
    const met = r >= min && (p99Max === undefined || m.latencyMs.p99 <= p99Max);
    return { configuration, scenario, target, measured, met };
  };
  const rows: TargetRow[] = [
    ratioRow('pg', 'PostgreSQL', 'debit', 0.5, 25),
    ratioRow('pg', 'PostgreSQL', 'register', 0.3),
    ratioRow('pg', 'PostgreSQL', 'mixed', 0.45),
    ratioRow('sqlite-normal', 'SQLite NORMAL', 'debit', 0.5),
    {
      ...ratioRow('sqlite-full', 'SQLite FULL', 'debit', 0.5),
      target: '≥ 0.5× against a floor that also group-commits',
    },
  ];
  const growths = configs.filter((c) => c.growth);
  const worst = growths.reduce<ConfigResult | undefined>(
    (w, c) => (!w || c.growth!.p99Ratio > w.growth!.p99Ratio ? c : w),
    undefined,
  );
  rows.push({
    configuration: 'any',
    scenario: 'growth',
    target: '10k → 1M profiles p99 ≤ 1.5×',
    measured: worst
      ? `${ratioText(worst.growth!.p99Ratio)} (worst: ${worst.name}, ${worst.growth!.smallProfiles} → ${worst.growth!.largeProfiles})`
      : 'not measured',
    met: worst ? worst.growth!.p99Ratio <= 1.5 : null,
  });
  const biggest = configs.reduce<ConfigResult | undefined>(
    (b, c) => (!b || c.gatewayPeakRssBytes > b.gatewayPeakRssBytes ? c : b),
    undefined,
  );
  rows.push({
    configuration: 'any',
    scenario: 'gateway RSS',
    target: '≤ 256 MB',
    measured: biggest ? `${mb(biggest.gatewayPeakRssBytes)} (largest: ${biggest.name})` : 'not measured',
    met: biggest ? biggest.gatewayPeakRssBytes <= 256 * 2 ** 20 : null,
  });
  // Issue 15's target for the recurring engine: cycles at ≥ 0.8× the debit scenario, none charged twice.
  const pg = byName.get('pg');
  for (const n of [1, 2]) {
    const r = pg?.cycles?.find((c) => c.instances === n);
    rows.push({
      configuration: 'PostgreSQL',
      scenario: `cycles, ${n} instance${n > 1 ? 's' : ''}`,
      target: '≥ 0.8× debit, no duplicate',
      measured: r
        ? `${r.vsDebit === null ? 'no debit run' : ratioText(r.vsDebit)}, ${r.duplicates} duplicates, ${r.unfinished} left`
        : 'not measured',
      met: r ? r.vsDebit !== null && r.vsDebit >= 0.8 && r.duplicates === 0 && r.unfinished === 0 : null,
    });
  }
  return rows;
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
  'db calls/req',
  'CPU ms/req',
  'PostgreSQL CPU ms/req',
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
    m.statementsPerRequest === undefined ? '' : m.statementsPerRequest.toFixed(2),
    m.serverCpuMsPerRequest === undefined ? '' : m.serverCpuMsPerRequest.toFixed(3),
    m.databaseCpuMsPerRequest === undefined ? '' : m.databaseCpuMsPerRequest.toFixed(3),
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
    'db calls/req: what the database driver was asked to execute per response during the measured run ' +
      '(PostgreSQL: round trips; SQLite: statements, BEGIN/COMMIT/PRAGMA included), background work included. ' +
      "CPU ms/req: the server process's CPU time (user + system, all threads) ÷ responses; PostgreSQL CPU " +
      'ms/req: the same for every postgres process on this machine (when the database is local).',
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
      // Measured again when the cycles or instances runs wrote since the debit scenario (bench/run.ts).
      if (g.small !== c.scenarios.debit)
        lines.push(
          measurementRow(`debit @ ${g.smallProfiles} profiles, again before growth`, g.small, undefined),
        );
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
          `duplicates in the sandbox ledger: ${r.duplicates}; unfinished: ${r.unfinished}; ` +
          (r.notificationsTotal === 0
            ? 'no notifications (the shop has no notification URL).'
            : `their notifications still queued at the end: ${r.notificationsQueued} of ` +
              `${r.notificationsTotal} (the outbox catches up after the charges).`),
      );
    }
    if (c.instances) {
      const i = c.instances;
      lines.push(
        '',
        `${i.count} gateway processes on one database, debit, ${i.connectionsEach} connections each ` +
          `(the same ${i.count * i.connectionsEach} in all as the single instance). On a 2-core machine this ` +
          'measures contention for the cores and the database, not scale-out.',
        '',
        row(HEADER),
        row(HEADER.map(() => '---')),
      );
      i.each.forEach((m, n) => lines.push(measurementRow(`debit, instance ${n + 1}`, m, undefined)));
      lines.push(
        '',
        `Together: ${i.totalRps.toFixed(0)} req/s` +
          (i.vsFloor === null ? '' : ` = ${i.vsFloor.toFixed(2)}× the floor`) +
          (i.vsSingle === null ? '' : `, ${i.vsSingle.toFixed(2)}× one instance's debit throughput`) +
          `; worst p99 ${ms(Math.max(...i.each.map((m) => m.latencyMs.p99)))} ms.`,
      );
    }
    lines.push('', `Gateway peak RSS (VmHWM): ${mb(c.gatewayPeakRssBytes)}.`, '');
    for (const [name, m] of Object.entries(c.scenarios)) {
      if (m.firstFailure)
        lines.push(`First failure in ${name}: \`${m.firstFailure.replace(/`/g, "'")}\``, '');
    }
  }
  lines.push(
    '### Targets (issue 17)',
    '',
    row(['configuration', 'scenario', 'target', 'measured', 'met']),
    row(['---', '---', '---', '---', '---']),
  );
  for (const t of report.targets) {
    const met = t.met === null ? 'not measured' : t.met ? 'met' : '**not met**';
    lines.push(row([t.configuration, t.scenario, t.target, t.measured, met]));
  }
  return lines.join('\n') + '\n';
}
