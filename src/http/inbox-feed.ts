/**
 * Tells this process's open inbox streams that a merchant's inbox got a message, so they send it at once.
 * Only a hint: each stream also re-reads the table every second, which is what covers messages received by
 * another instance.
 */
export class InboxFeed {
  private readonly listeners = new Map<string, Set<() => void>>();

  subscribe(merchantId: string, listener: () => void): () => void {
    let set = this.listeners.get(merchantId);
    if (!set) this.listeners.set(merchantId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(merchantId);
    };
  }

  publish(merchantId: string): void {
    for (const listener of this.listeners.get(merchantId) ?? []) listener();
  }
}
