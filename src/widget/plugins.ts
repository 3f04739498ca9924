import type { FastifyInstance } from 'fastify';
import type { PaymentsDeps } from '../payments/deps.js';
import { demoRoutes } from './demo.js';
import { widgetRoutes } from './routes.js';
import { WidgetSessions } from './sessions.js';

export interface Widget {
  /** The widget's root-level routes for `buildHttpApp`. */
  plugins: Array<(app: FastifyInstance) => void>;
  /** Who may frame a payment's 3-D Secure page: the shop page whose widget started it (`HttpDeps.challengeFramer`). */
  challengeFramer(transactionId: string): Promise<string | null>;
  /** The widget's sessions, which the hosted paywall (src/paywall/) opens to show this same card form. */
  sessions: WidgetSessions;
}

/** The widget for `buildHttpApp`; the demo shop exists in sandbox mode only. */
export function widgetPlugins(
  payments: PaymentsDeps,
  mode: 'sandbox' | 'production',
  sandboxServiceId: () => string | undefined = () => undefined,
): Widget {
  const sessions = new WidgetSessions(payments);
  const plugins = [widgetRoutes({ payments, sessions })];
  if (mode === 'sandbox') plugins.push(demoRoutes(payments, sandboxServiceId));
  return { plugins, challengeFramer: (id) => sessions.parentOriginOf(id), sessions };
}
