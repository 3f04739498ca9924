import type { Command } from 'commander';
import { rotateMasterKey } from '../admin/master-keys.js';
import { loadConfig } from '../config/config.js';
import { systemClock } from '../domain/clock.js';
import { openStorage } from '../storage/open.js';

/**
 * `kartoteka keys rotate`: adds a master key version and re-wraps every card's data key (and re-seals every
 * shop's serviceKey) under it. Card ciphertexts stay as they are (envelope encryption), so this is quick.
 * Instances keep serving throughout and pick the new version up from the key file by themselves.
 */
export function keyCommands(program: Command): void {
  const keys = program.command('keys').description('manage the master key');
  keys
    .command('rotate')
    .description('add a new master key version and re-wrap every stored card under it')
    .option(
      '--retire-unused',
      'drop versions older than the previous one that nothing in the database uses any more ' +
        '(a database backup taken before then needs the key file backed up with it)',
    )
    .action(async (opts: { retireUnused?: boolean }) => {
      const config = loadConfig();
      const storage = await openStorage(config.database);
      try {
        const r = await rotateMasterKey(storage, config.masterKeyFile, systemClock.now(), {
          retireUnused: !!opts.retireUnused,
        });
        process.stdout.write(
          `master key version ${r.version} is current; ${r.cards} card(s) re-wrapped, ` +
            `${r.serviceKeys} serviceKey(s) re-sealed` +
            (r.dropped.length > 0 ? `; retired version(s) ${r.dropped.join(', ')}` : '') +
            '. Running instances pick the new version up from the key file; no restart is needed.\n',
        );
      } finally {
        await storage.close();
      }
    });
}
