import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { openStorage } from '../storage/open.js';
import { loadOrCreateKeyring, rotateKeyFile } from '../vault/keyring.js';
import { Vault } from '../vault/vault.js';

/**
 * `kartoteka keys rotate`: adds a master key version and re-wraps every card's data key under it. Card
 * ciphertexts stay as they are (envelope encryption), so this is quick; older versions stay in the file so
 * that a record not yet re-wrapped (or a restored backup) still opens.
 */
export function keyCommands(program: Command): void {
  const keys = program.command('keys').description('manage the master key');
  keys
    .command('rotate')
    .description('add a new master key version and re-wrap every stored card under it')
    .action(async () => {
      const config = loadConfig();
      const version = rotateKeyFile(config.masterKeyFile);
      const { keyring } = loadOrCreateKeyring(config.masterKeyFile);
      const storage = await openStorage(config.database);
      try {
        const vault = new Vault(keyring, storage.repos.cards);
        let rewrapped = 0;
        for (;;) {
          const batch = await storage.repos.cards.listCardsForRewrap(version, 500);
          if (batch.length === 0) break;
          for (const card of batch) await storage.repos.cards.updateWrappedKey(vault.rewrap(card));
          rewrapped += batch.length;
        }
        process.stdout.write(
          `master key version ${version} is current; ${rewrapped} card(s) re-wrapped. ` +
            'Distribute the new key file to every instance and restart them.\n',
        );
      } finally {
        await storage.close();
      }
    });
}
