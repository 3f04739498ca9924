import { newApiToken, newId, newMerchantId, newServiceKey } from '../domain/ids.js';
import type { Clock } from '../domain/clock.js';
import { hashToken } from '../domain/token-hash.js';
import {
  DEFAULT_RECURRING_SETTINGS,
  recurringSettingsProblem,
  type RecurringSettings,
} from '../domain/dunning-policy.js';
import { DEFAULT_LIMITS, limitsProblem, type TransactionLimits } from '../domain/transaction-limits.js';
import { isWebOrigin } from '../domain/web-origin.js';
import type { Merchant, Shop } from '../storage/merchant-repo.js';
import type { Storage } from '../storage/storage.js';

export interface ShopOptions {
  name?: string | undefined;
  pciEnabled?: boolean | undefined;
  preauthEnabled?: boolean | undefined;
  notificationUrl?: string | null | undefined;
  /** Recurring registrations must declare an agreement (issue 15). */
  agreementRequired?: boolean | undefined;
}

/** Merchants, shops and tokens: what the admin CLI manages. Secrets are returned once and stored hashed. */
export class Accounts {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async createMerchant(name: string, id: string = newMerchantId()): Promise<Merchant> {
    const merchant = { id, name, createdAt: this.clock.now() };
    await this.storage.repos.merchants.insertMerchant(merchant);
    return merchant;
  }

  async createShop(
    merchantId: string,
    options: ShopOptions = {},
    fixed: { id?: string | undefined; serviceKey?: string | undefined } = {},
  ): Promise<Shop> {
    const merchant = await this.storage.repos.merchants.getMerchant(merchantId);
    if (!merchant) throw new Error(`no merchant ${merchantId}`);
    if (options.notificationUrl) assertUrl(options.notificationUrl);
    const shop: Shop = {
      id: fixed.id ?? newId(),
      merchantId,
      name: options.name ?? 'Shop',
      serviceKey: fixed.serviceKey ?? newServiceKey(),
      pciEnabled: options.pciEnabled ?? false,
      preauthEnabled: options.preauthEnabled ?? false,
      notificationUrl: options.notificationUrl ?? null,
      createdAt: this.clock.now(),
      ...DEFAULT_LIMITS,
      ...DEFAULT_RECURRING_SETTINGS,
    };
    await this.storage.repos.merchants.insertShop(shop);
    return shop;
  }

  async updateShop(merchantId: string, shopId: string, options: ShopOptions): Promise<Shop> {
    if (options.notificationUrl) assertUrl(options.notificationUrl);
    const shop = await this.storage.repos.merchants.updateShop(merchantId, shopId, options);
    if (!shop) throw new Error(`no shop ${shopId} for merchant ${merchantId}`);
    return shop;
  }

  /** Sets a shop's per-payment amount limits; an omitted bound keeps its current value. */
  async setLimits(merchantId: string, shopId: string, limits: Partial<TransactionLimits>): Promise<Shop> {
    const current = await this.storage.repos.merchants.getShop(merchantId, shopId);
    if (!current) throw new Error(`no shop ${shopId} for merchant ${merchantId}`);
    const next: TransactionLimits = {
      minTransaction: limits.minTransaction ?? current.minTransaction,
      maxTransaction: limits.maxTransaction ?? current.maxTransaction,
    };
    const problem = limitsProblem(next);
    if (problem) throw new Error(problem);
    const shop = await this.storage.repos.merchants.updateShop(merchantId, shopId, next);
    return shop!;
  }

  /** Sets a shop's recurring settings (dunning policy, pre-billing notice); an omitted one keeps its value. */
  async setRecurring(
    merchantId: string,
    shopId: string,
    settings: Partial<RecurringSettings>,
  ): Promise<Shop> {
    const current = await this.storage.repos.merchants.getShop(merchantId, shopId);
    if (!current) throw new Error(`no shop ${shopId} for merchant ${merchantId}`);
    const next: RecurringSettings = {
      retryAttempts: settings.retryAttempts ?? current.retryAttempts,
      retryWindowDays: settings.retryWindowDays ?? current.retryWindowDays,
      noticeDays: settings.noticeDays ?? current.noticeDays,
    };
    const problem = recurringSettingsProblem(next);
    if (problem) throw new Error(problem);
    const shop = await this.storage.repos.merchants.updateShop(merchantId, shopId, next);
    return shop!;
  }

  /**
   * Sets the origins whose pages may open and frame the shop's widget (each a bare scheme://host[:port], as a
   * browser sends `Origin`); an empty list lets any page again.
   */
  async setWidgetOrigins(merchantId: string, shopId: string, origins: string[]): Promise<Shop> {
    const current = await this.storage.repos.merchants.getShop(merchantId, shopId);
    if (!current) throw new Error(`no shop ${shopId} for merchant ${merchantId}`);
    const bad = origins.find((o) => !isWebOrigin(o));
    if (bad !== undefined) {
      throw new Error(
        `${JSON.stringify(bad)} is not an origin: scheme://host[:port], no path, no trailing slash (e.g. https://shop.example)`,
      );
    }
    const shop = await this.storage.repos.merchants.updateShop(merchantId, shopId, {
      widgetOrigins: [...new Set(origins)],
    });
    return shop!;
  }

  /** Returns the token in clear: this is the only time it is ever visible. */
  async createToken(
    merchantId: string,
    label = 'default',
    token: string = newApiToken(),
  ): Promise<{ id: string; token: string }> {
    const merchant = await this.storage.repos.merchants.getMerchant(merchantId);
    if (!merchant) throw new Error(`no merchant ${merchantId}`);
    const id = newId();
    await this.storage.repos.merchants.insertToken({
      id,
      merchantId,
      label,
      tokenHash: hashToken(token),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return { id, token };
  }

  revokeToken(id: string): Promise<boolean> {
    return this.storage.repos.merchants.revokeToken(id, this.clock.now());
  }
}

function assertUrl(url: string): void {
  if (!/^https?:\/\/[^\s]+$/.test(url) || url.length > 300)
    throw new Error(`not an absolute http(s) URL: ${url}`);
}

export interface SandboxCredentials {
  merchantId: string;
  serviceId: string;
  serviceKey: string;
  token: string;
}

/** Parts of the sandbox identity fixed by configuration (CI); what is not fixed is generated. */
export type FixedSandbox = Partial<SandboxCredentials>;

/**
 * First start in sandbox mode: one merchant with one PCI-enabled shop and a token, so curl works at once. Fixed
 * parts are used as given, so a CI configuration can name the credentials before the gateway ever ran.
 */
export async function bootstrapSandbox(
  accounts: Accounts,
  storage: Storage,
  fixed: FixedSandbox = {},
): Promise<SandboxCredentials | null> {
  if ((await storage.repos.merchants.countMerchants()) > 0) return null;
  const merchant = await accounts.createMerchant('Sandbox merchant', fixed.merchantId);
  const shop = await accounts.createShop(
    merchant.id,
    { name: 'Sandbox shop', pciEnabled: true },
    { id: fixed.serviceId, serviceKey: fixed.serviceKey },
  );
  const { token } = await accounts.createToken(merchant.id, 'sandbox', fixed.token);
  return { merchantId: merchant.id, serviceId: shop.id, serviceKey: shop.serviceKey, token };
}

/**
 * On a later start the database already has its merchants: a fixed part that is not in it means the
 * configuration names another sandbox than this data holds, and every request with it would fail with a 401.
 * Returns why, naming the variables (never the secrets), or null when everything fixed is there.
 */
export async function fixedSandboxMismatch(storage: Storage, fixed: FixedSandbox): Promise<string | null> {
  const merchants = storage.repos.merchants;
  const problems: string[] = [];
  const merchantId = fixed.merchantId;
  if (merchantId && !(await merchants.getMerchant(merchantId))) {
    problems.push(`KARTOTEKA_SANDBOX_MERCHANT_ID (${merchantId}) is not a merchant of this database`);
  }
  if (fixed.serviceId || fixed.serviceKey) {
    const shop = fixed.serviceId
      ? await merchants.getShopById(fixed.serviceId)
      : (await merchants.listShops(merchantId)).find((s) => s.serviceKey === fixed.serviceKey);
    if (fixed.serviceId && (!shop || (merchantId && shop.merchantId !== merchantId))) {
      problems.push(`KARTOTEKA_SANDBOX_SERVICE_ID (${fixed.serviceId}) is not a shop of that merchant here`);
    } else if (fixed.serviceKey && shop?.serviceKey !== fixed.serviceKey) {
      problems.push('KARTOTEKA_SANDBOX_SERVICE_KEY is not the serviceKey of that shop here');
    }
  }
  if (fixed.token) {
    const owner = await merchants.findTokenByHash(hashToken(fixed.token));
    if (!owner || (merchantId && owner.merchantId !== merchantId)) {
      problems.push('KARTOTEKA_SANDBOX_TOKEN is not an active token of that merchant here');
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}
