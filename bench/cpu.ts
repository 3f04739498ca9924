import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes, from /proc (Linux): user + system, in milliseconds. /proc reports it in clock ticks of
 * USER_HZ, which is 100 per second on Linux whatever the kernel's own tick rate.
 */
const TICK_MS = 10;

function ticksOf(statLine: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
  return Number(fields[11]) + Number(fields[12]);
}

/** The process's CPU time so far; 0 once it has gone. */
export function processCpuMs(pid: number): number {
  try {
    return ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU time so far of every process of a program on this machine (`postgres`: the server and its backends), by
 * pid, so that a later reading can be subtracted process by process (a backend that started meanwhile counts
 * from zero).
 */
export function programCpuMs(command: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
      out.set(Number(entry), ticksOf(readFileSync(`/proc/${entry}/stat`, 'utf8')) * TICK_MS);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU milliseconds spent between two readings of {@link programCpuMs}. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}
