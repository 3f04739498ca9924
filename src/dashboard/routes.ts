import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import { TRANSACTION_STATUSES, type TransactionStatus, type TransactionType } from '../domain/transaction.js';
import {
  csrfMatches,
  dashboardSession,
  SESSION_TTL_MS,
  signInToDashboard,
  signOutOfDashboard,
} from '../payments/dashboard-session.js';
import { dailyVolume } from '../payments/dashboard-stats.js';
import { listTransactions, type TransactionFilter } from '../payments/list-transactions.js';
import { deactivateProfile, listProfilesByCid } from '../payments/profiles.js';
import { latestRequests } from '../payments/request-log.js';
import { listInboxMessages } from '../payments/inbox.js';
import { changeSchedule, listSchedules, type ScheduleChange } from '../payments/schedules.js';
import { listServices } from '../payments/services.js';
import { schedulesPage, testClockPage, type ShopClock } from './recurring-pages.js';
import { transactionTimeline } from '../payments/transaction-timeline.js';
import { volumeChart } from './chart.js';
import type { DashboardDeps } from './deps.js';
import { CSP, layout, type Viewer } from './layout.js';
import {
  inboxPage,
  messagePage,
  profilesPage,
  requestsPage,
  signInPage,
  transactionPage,
  transactionsPage,
  type FilterForm,
} from './pages.js';
import { formFields, readCookie, sameOrigin, SESSION_COOKIE, setCookie, SIGN_IN_COOKIE } from './session.js';

const DAY = 86_400_000;
const hidden = { schema: { hide: true } } as const;

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the dashboard's own forms.
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .send(body)
  );
}

function text(q: Record<string, unknown>, key: string, max = 200): string | undefined {
  const v = q[key];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, max);
}

/** "12.50" → 1250 minor units; anything else is a problem to show, not a crash. */
function amount(value: string | undefined, label: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(value);
  if (!m) {
    problems.push(`${label}: write an amount like 10 or 10.50.`);
    return undefined;
  }
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function date(value: string | undefined, label: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) {
    problems.push(`${label}: write a date as YYYY-MM-DD.`);
    return undefined;
  }
  return ms;
}

/** The dashboard at /dashboard: server-rendered pages over the payments use cases (docs/dashboard.md). */
export function dashboardRoutes(deps: DashboardDeps) {
  const p = deps.payments;
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      const signedIn = async (request: FastifyRequest): Promise<Viewer | null> => {
        const cookie = readCookie(request, SESSION_COOKIE);
        if (!cookie) return null;
        const s = await dashboardSession(p, cookie, deps.adminToken);
        return s
          ? {
              merchantId: s.merchantId,
              operator: s.operator,
              csrfToken: s.csrfToken,
              sandbox: deps.mode === 'sandbox',
            }
          : null;
      };

      /** A page for a signed-in viewer; a POST also needs the session's CSRF token and the same origin. */
      const guarded =
        (
          method: 'GET' | 'POST',
          handler: (viewer: Viewer, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>,
        ) =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          const viewer = await signedIn(request);
          if (!viewer) {
            if (method === 'POST')
              return html(
                reply,
                403,
                layout('Signed out', '', null, messagePage('Your session has ended: sign in again.')),
              );
            return reply.redirect('/dashboard/sign-in', 303);
          }
          if (method === 'POST') {
            const csrf = formFields(request).csrf;
            if (!sameOrigin(request, p.publicUrl()) || !csrfMatches(csrf, viewer.csrfToken)) {
              return html(
                reply,
                403,
                layout(
                  'Refused',
                  '',
                  viewer,
                  messagePage(
                    'This form was not sent from this dashboard (missing or wrong CSRF token, or another origin).',
                  ),
                ),
              );
            }
          }
          try {
            return await handler(viewer, request, reply);
          } catch (err) {
            if (!(err instanceof DomainError) || err.status >= 500) throw err;
            return html(reply, err.status, layout('Not possible', '', viewer, messagePage(err.message)));
          }
        };

      /** Whose data a viewer sees: its merchant's, or for an operator the merchant it named (null: all). */
      const scopeOf = (viewer: Viewer, named: string | undefined): string | null =>
        viewer.operator ? (named ?? null) : viewer.merchantId;

      scope.get('/dashboard', hidden, async (request, reply) =>
        reply.redirect((await signedIn(request)) ? '/dashboard/overview' : '/dashboard/sign-in', 303),
      );

      scope.get('/dashboard/sign-in', hidden, async (request, reply) => {
        if (await signedIn(request)) return reply.redirect('/dashboard/overview', 303);
        const csrf = randomBytes(24).toString('base64url');
        setCookie(reply, SIGN_IN_COOKIE, csrf, 3600, deps.secure());
        return html(
          reply,
          200,
          layout(
            'Sign in',
            '',
            null,
            signInPage({
              csrf,
              error: null,
              sandboxToken: deps.mode === 'sandbox' ? deps.sandboxToken() : null,
              operators: deps.adminToken !== null,
            }),
          ),
        );
      });

      scope.post('/dashboard/sign-in', hidden, async (request, reply) => {
        const fields = formFields(request);
        const expected = readCookie(request, SIGN_IN_COOKIE);
        if (
          !sameOrigin(request, p.publicUrl()) ||
          expected === undefined ||
          !csrfMatches(fields.csrf, expected)
        ) {
          return html(
            reply,
            403,
            layout(
              'Refused',
              '',
              null,
              messagePage(
                'This sign-in form was not sent from this dashboard: open the sign-in page and try again.',
              ),
            ),
          );
        }
        const signed = await signInToDashboard(p, fields.token ?? '', deps.adminToken);
        if (!signed) {
          // Counted against the address like a failed API call: guessing tokens here is no cheaper.
          const refusal = deps.failures.failed(request.ip, new DomainError('unauthorized'));
          const message =
            refusal.status === 429
              ? 'Too many failed sign-ins from this address: wait a minute and try again.'
              : 'That token is not a valid merchant API token.';
          return html(
            reply,
            refusal.status,
            layout(
              'Sign in',
              '',
              null,
              signInPage({
                csrf: expected,
                error: message,
                sandboxToken: deps.mode === 'sandbox' ? deps.sandboxToken() : null,
                operators: deps.adminToken !== null,
              }),
            ),
          );
        }
        setCookie(reply, SESSION_COOKIE, signed.cookie, Math.floor(SESSION_TTL_MS / 1000), deps.secure());
        setCookie(reply, SIGN_IN_COOKIE, '', 0, deps.secure());
        return reply.redirect('/dashboard/overview', 303);
      });

      scope.post(
        '/dashboard/sign-out',
        hidden,
        guarded('POST', async (_viewer, request, reply) => {
          const cookie = readCookie(request, SESSION_COOKIE);
          if (cookie) await signOutOfDashboard(p, cookie);
          setCookie(reply, SESSION_COOKIE, '', 0, deps.secure());
          return reply.redirect('/dashboard/sign-in', 303);
        }),
      );

      scope.get(
        '/dashboard/overview',
        hidden,
        guarded('GET', async (viewer, request, reply) => {
          const named = text(request.query as Record<string, unknown>, 'merchant', 64);
          const stats = await dailyVolume(p, scopeOf(viewer, named), 14);
          const body = `<section class="card" aria-labelledby="vol"><h2 id="vol">Daily volume and approval rate, last 14 days</h2>${volumeChart(stats.days, stats.rows)}</section>`;
          return html(reply, 200, layout('Overview', '/dashboard/overview', viewer, body));
        }),
      );

      scope.get(
        '/dashboard/transactions',
        hidden,
        guarded('GET', async (viewer, request, reply) => {
          const q = request.query as Record<string, unknown>;
          const form: FilterForm = {
            status: text(q, 'status', 20),
            type: text(q, 'type', 10),
            orderId: text(q, 'orderId'),
            cid: text(q, 'cid'),
            amountMin: text(q, 'amountMin', 20),
            amountMax: text(q, 'amountMax', 20),
            from: text(q, 'from', 10),
            to: text(q, 'to', 10),
            merchant: viewer.operator ? text(q, 'merchant', 64) : undefined,
          };
          const problems: string[] = [];
          if (form.status && !(TRANSACTION_STATUSES as readonly string[]).includes(form.status))
            problems.push('Status: pick one from the list.');
          if (form.type && form.type !== 'sale' && form.type !== 'refund')
            problems.push('Type: sale or refund.');
          const to = date(form.to, 'Created to', problems);
          const filter: TransactionFilter = {
            status: problems.length ? undefined : (form.status as TransactionStatus | undefined),
            type: form.type as TransactionType | undefined,
            orderId: form.orderId,
            cid: form.cid,
            amountMin: amount(form.amountMin, 'Amount from', problems),
            amountMax: amount(form.amountMax, 'Amount to', problems),
            createdFrom: date(form.from, 'Created from', problems),
            createdTo: to === undefined ? undefined : to + DAY,
            cursor: text(q, 'cursor', 200),
            limit: 25,
          };
          const page = problems.length
            ? { transactions: [], nextCursor: null }
            : await listTransactions(p, scopeOf(viewer, form.merchant), filter);
          return html(
            reply,
            problems.length ? 422 : 200,
            layout(
              'Transactions',
              '/dashboard/transactions',
              viewer,
              transactionsPage(
                viewer,
                form,
                problems,
                page.transactions,
                page.nextCursor,
                filter.cursor === undefined,
              ),
            ),
          );
        }),
      );

      scope.get(
        '/dashboard/transactions/:id',
        hidden,
        guarded('GET', async (viewer, request, reply) => {
          const { id } = request.params as { id: string };
          const tl = await transactionTimeline(p, scopeOf(viewer, undefined), id);
          const resent = text(request.query as Record<string, unknown>, 'resent', 10);
          const notice = resent ? `Notification ${resent} is queued to be sent again now.` : null;
          return html(
            reply,
            200,
            layout(
              `Transaction ${tl.transaction.orderId}`,
              '/dashboard/transactions',
              viewer,
              transactionPage(viewer, tl, notice),
            ),
          );
        }),
      );

      scope.post(
        '/dashboard/transactions/:id/notifications/:notificationId/resend',
        hidden,
        guarded('POST', async (viewer, request, reply) => {
          const { id, notificationId } = request.params as { id: string; notificationId: string };
          // Only a notification of a transaction this viewer may see: the timeline is read under its scope.
          const tl = await transactionTimeline(p, scopeOf(viewer, undefined), id);
          const n = tl.notifications.find((x) => x.id === notificationId);
          if (!n) throw new DomainError('notificationNotFound');
          await deps.resend(n.id);
          return reply.redirect(`/dashboard/transactions/${encodeURIComponent(id)}?resent=${n.ordinal}`, 303);
        }),
      );

      scope.get(
        '/dashboard/profiles',
        hidden,
        guarded('GET', async (viewer, request, reply) => {
          const q = request.query as Record<string, unknown>;
          const cid = text(q, 'cid') ?? '';
          const merchant = viewer.operator ? (text(q, 'merchant', 64) ?? '') : (viewer.merchantId ?? '');
          const notice = text(q, 'deactivated', 64)
            ? 'The profile is deactivated: it will never be debited again.'
            : null;
          const profiles = cid && merchant ? await listProfilesByCid(p, merchant, cid) : null;
          return html(
            reply,
            200,
            layout(
              'Profiles',
              '/dashboard/profiles',
              viewer,
              profilesPage(viewer, cid, merchant, profiles, notice),
            ),
          );
        }),
      );

      scope.post(
        '/dashboard/profiles/:id/deactivate',
        hidden,
        guarded('POST', async (viewer, request, reply) => {
          const { id } = request.params as { id: string };
          const fields = formFields(request);
          const merchant = viewer.operator ? (fields.merchant ?? '') : (viewer.merchantId ?? '');
          const profile = await deactivateProfile(p, merchant, id);
          const back = new URLSearchParams({ cid: profile.cid, deactivated: profile.id });
          if (viewer.operator) back.set('merchant', merchant);
          return reply.redirect(`/dashboard/profiles?${back.toString()}`, 303);
        }),
      );

      // The webhook inbox exists only in sandbox mode (src/payments/inbox.ts): so does its page.
      if (deps.mode === 'sandbox') {
        scope.get(
          '/dashboard/inbox',
          hidden,
          guarded('GET', async (viewer, request, reply) => {
            const q = request.query as Record<string, unknown>;
            const merchant = viewer.operator ? (text(q, 'merchant', 64) ?? '') : (viewer.merchantId ?? '');
            const cursor = text(q, 'cursor', 200);
            const page = merchant ? await listInboxMessages(p, merchant, { cursor, limit: 20 }) : null;
            return html(
              reply,
              200,
              layout(
                'Webhook inbox',
                '/dashboard/inbox',
                viewer,
                inboxPage(viewer, merchant, page, cursor === undefined),
              ),
            );
          }),
        );
      }

      const merchantOf = (viewer: Viewer, fields: Record<string, unknown>): string =>
        viewer.operator ? (text(fields, 'merchant', 64) ?? '') : (viewer.merchantId ?? '');
      const back = (path: string, viewer: Viewer, merchant: string, note: string) => {
        const q = new URLSearchParams({ done: note });
        if (viewer.operator) q.set('merchant', merchant);
        return `${path}?${q.toString()}`;
      };

      scope.get(
        '/dashboard/schedules',
        hidden,
        guarded('GET', async (viewer, request, reply) => {
          const q = request.query as Record<string, unknown>;
          const merchant = merchantOf(viewer, q);
          const list = merchant ? await listSchedules(p, merchant, { limit: 100 }) : null;
          const done = text(q, 'done', 20);
          const notice = done ? `The schedule is ${done}.` : null;
          return html(
            reply,
            200,
            layout(
              'Schedules',
              '/dashboard/schedules',
              viewer,
              schedulesPage(viewer, merchant, list, notice),
            ),
          );
        }),
      );

      for (const change of ['pause', 'resume', 'cancel'] as const satisfies readonly ScheduleChange[]) {
        scope.post(
          `/dashboard/schedules/:id/${change}`,
          hidden,
          guarded('POST', async (viewer, request, reply) => {
            const { id } = request.params as { id: string };
            const merchant = merchantOf(viewer, formFields(request));
            const s = await changeSchedule(p, merchant, id, change);
            return reply.redirect(back('/dashboard/schedules', viewer, merchant, s.status), 303);
          }),
        );
      }

      const clocks = deps.testClocks;
      if (clocks && deps.mode === 'sandbox') {
        scope.get(
          '/dashboard/test-clock',
          hidden,
          guarded('GET', async (viewer, request, reply) => {
            const q = request.query as Record<string, unknown>;
            const merchant = merchantOf(viewer, q);
            let shops: ShopClock[] | null = null;
            if (merchant) {
              shops = [];
              for (const shop of await listServices(p, merchant)) {
                const clock = await clocks.show(merchant, shop.id).catch((err: unknown) => {
                  if (err instanceof DomainError && err.key === 'testClockNotFound') return null;
                  throw err;
                });
                shops.push({ serviceId: shop.id, name: shop.name, clock });
              }
            }
            const done = text(q, 'done', 40);
            return html(
              reply,
              200,
              layout(
                'Test clock',
                '/dashboard/test-clock',
                viewer,
                testClockPage(viewer, merchant, shops, done ? `Done: ${done}.` : null),
              ),
            );
          }),
        );
        const clockAction = (what: 'freeze' | 'advance' | 'remove') =>
          guarded('POST', async (viewer, request, reply) => {
            const { serviceId } = request.params as { serviceId: string };
            const fields = formFields(request);
            const merchant = merchantOf(viewer, fields);
            let note: string;
            if (what === 'freeze') {
              const at = text(fields, 'at', 40);
              await clocks.freeze(merchant, serviceId, at);
              note = 'frozen';
            } else if (what === 'advance') {
              const report = await clocks.advance(merchant, serviceId, { by: text(fields, 'by', 20) ?? '' });
              note = `advanced to ${new Date(report.to).toISOString()}`;
            } else {
              await clocks.remove(merchant, serviceId);
              note = 'back to real time';
            }
            return reply.redirect(back('/dashboard/test-clock', viewer, merchant, note), 303);
          });
        for (const what of ['freeze', 'advance', 'remove'] as const) {
          scope.post(`/dashboard/test-clock/:serviceId/${what}`, hidden, clockAction(what));
        }
      }

      scope.get(
        '/dashboard/requests',
        hidden,
        guarded('GET', async (viewer, _request, reply) => {
          const rows = await latestRequests(p, scopeOf(viewer, undefined));
          return html(
            reply,
            200,
            layout('API requests', '/dashboard/requests', viewer, requestsPage(viewer, rows)),
          );
        }),
      );
    });
  };
}
