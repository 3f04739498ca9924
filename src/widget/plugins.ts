import type { FastifyInstance } from 'fastify';
import type { PaymentsDeps } from '../payments/deps.js';
import { demoRoutes } from './demo.js';
import { widgetRoutes } from './routes.js';

/** The widget's root-level routes for `buildHttpApp`; the demo shop exists in sandbox mode only. */
export function widgetPlugins(
  payments: PaymentsDeps,
  mode: 'sandbox' | 'production',
  sandboxServiceId: () => string | undefined = () => undefined,
): Array<(app: FastifyInstance) => void> {
  const plugins = [widgetRoutes({ payments })];
  if (mode === 'sandbox') plugins.push(demoRoutes(payments, sandboxServiceId));
  return plugins;
}
