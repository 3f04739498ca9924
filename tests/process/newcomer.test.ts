import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../support/process.js';

/**
 * A newcomer's first minutes, as the README tells them: a fresh clone of the committed HEAD, the quick start's
 * two commands, then the walk-through's first payment with its commands read from README.md (so the test
 * breaks when the README drifts from what works), then that payment's notification in the webhook inbox.
 */

/** The environment of a fresh shell: none of this test run's npm/vitest/Kartoteka variables. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(npm_|VITEST|KARTOTEKA_)/i.test(k) || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took over ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The ```sh block that follows `marker` in the README. */
function shBlockAfter(readme: string, marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, `README.md has "${marker}"`).toBeGreaterThanOrEqual(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, `a sh block after "${marker}"`).not.toBeNull();
  return block![1]!;
}

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * What curl would send for a README command: the shell expands it exactly as a newcomer's would (with the
 * walk-through's exports), into arguments, which are then read as curl reads them.
 */
function expandCurl(exports: string, command: string): Curl {
  const trimmed = command.trim();
  expect(trimmed.startsWith('curl '), `a curl command: ${trimmed}`).toBe(true);
  const script = `${exports}\nprintf '%s\\0' ${trimmed.slice('curl '.length)}`;
  const argv = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
  const out: Curl = { method: 'GET', url: '', headers: {}, body: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-s') continue;
    if (a === '-H') {
      const h = argv[++i]!;
      const colon = h.indexOf(':');
      out.headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (a === '-d') {
      out.body = argv[++i]!;
      if (out.method === 'GET') out.method = 'POST';
    } else if (a === '-X') {
      out.method = argv[++i]!;
    } else if (a.startsWith('-')) {
      throw new Error(`a curl option this test does not know: ${a} (in ${trimmed})`);
    } else {
      out.url = a;
    }
  }
  // curl -d sends application/x-www-form-urlencoded unless told otherwise; the README always says JSON.
  return out;
}

async function send(c: Curl): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit = { method: c.method, headers: c.headers };
  if (c.body !== undefined) init.body = c.body;
  const res = await fetch(c.url, init);
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

describe('a newcomer: fresh clone, the README’s two commands, the walk-through’s first payment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-newcomer-'));
  let server: ReturnType<typeof spawn> | undefined;
  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.on('exit', resolve));
      // npm start runs node as its child: signal the whole group.
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'npm ci, npm start, then the README’s curl commands pay, and the payment’s notification is in the inbox',
    async () => {
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const clone = join(dir, 'kartoteka');
      execFileSync('git', ['clone', '--quiet', ROOT, clone]);
      execFileSync('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', head], { cwd: clone });
      const readme = readFileSync(join(clone, 'README.md'), 'utf8');

      // The quick start is exactly these two commands.
      const quickStart = shBlockAfter(readme, '## Quick start').trim().split('\n');
      expect(quickStart).toEqual(['npm ci', 'npm start']);
      // `npm ci` as written, from npm's cache when this machine has the packages (it installed them for this
      // very test run), as tests/process/production-install.test.ts does; better-sqlite3 still builds for real.
      const install = await run(
        'npm',
        ['ci', '--prefer-offline', '--no-audit', '--no-fund'],
        clone,
        12 * 60_000,
      );
      expect(install.code, install.output).toBe(0);

      // `npm start` as written; only the port is another (8080 may be taken on a shared machine).
      const port = await freePort();
      server = spawn('npm', ['start', '--silent'], {
        cwd: clone,
        env: cleanEnv({ KARTOTEKA_PORT: String(port) }),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const printed = (name: string) => new RegExp(`${name} +: (\\S+)`).exec(out)?.[1];
      for (let i = 0; i < 1200 && !(printed('token') && out.includes('Health: ')); i++) {
        if (server.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [merchantId, serviceId, token] = ['merchantId', 'serviceId', 'token'].map(printed);
      expect(merchantId && serviceId && token, `npm start printed the credentials:\n${out}`).toBeTruthy();

      // "Take the values npm start printed": the walk-through's exports, filled in.
      const local = (text: string) =>
        text
          .replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)
          .replaceAll('<merchantId>', merchantId!)
          .replaceAll('<token>', token!)
          .replaceAll('<serviceId>', serviceId!);
      const walk = readme.slice(readme.indexOf('## Walk-through'));
      const exports = local(shBlockAfter(walk, 'Take the values'));
      expect(exports).toMatch(/^export KT=/m);

      // The banner's own command first, pasted as printed: a newcomer runs it before the walk-through, so the
      // walk-through must still work after it (its card went to customer-1, and a cid holds one card).
      const bannerCurl = /^ {2}(curl [^\n]*\\\n[^\n]*\\\n[^\n]*)$/m.exec(out)?.[1];
      expect(bannerCurl, `the banner prints a curl command:\n${out}`).toBeDefined();
      const quick = await send(expandCurl('', bannerCurl!));
      expect(quick.status, JSON.stringify(quick.json)).toBe(200);
      expect(quick.json.transaction).toMatchObject({ status: 'settled' });

      // 1. Register a card (the challenge card).
      const register = await send(expandCurl(exports, local(shBlockAfter(walk, '**1. Register'))));
      expect(register.status, JSON.stringify(register.json)).toBe(200);
      const transaction = register.json.transaction as { id: string; status: string };
      const action = register.json.action as { url: string };
      expect(transaction.status).toBe('pending');
      expect(action.url.startsWith(`http://127.0.0.1:${port}/3ds/`)).toBe(true);

      // 2. Pass 3-D Secure: open action.url, press Authenticate (what the browser posts).
      const page = await fetch(action.url);
      const html = await page.text();
      expect(html).toContain('Authenticate');
      const form = /<form method="post" action="([^"]+)"/.exec(html)!;
      const passed = await fetch(new URL(form[1]!, action.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'result=pass',
        redirect: 'manual',
      });
      expect(passed.headers.get('location')).toBe('https://shop.example/ok');

      // 3. Read the transaction: settled, with its profile.
      const step3 = local(shBlockAfter(walk, '**3. Read')).replaceAll('<transactionId>', transaction.id);
      const read = await send(expandCurl(exports, step3));
      expect(read.json.transaction).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });

      // Its notification, in the webhook inbox, verified.
      const inbox = expandCurl(exports, local(shBlockAfter(walk, '**Its notification**')));
      const arrived = await inboxShows(inbox, transaction.id);
      expect(arrived).toMatchObject({ transactionId: transaction.id, event: 'settled', verified: true });

      // And in the dashboard, as the newcomer's browser gets there: the sandbox sign-in button, then the inbox.
      const base = `http://127.0.0.1:${port}`;
      const session = await signInAsSandbox(base);
      const inboxPage = await fetch(`${base}/dashboard/inbox`, { headers: { cookie: session } });
      expect(inboxPage.status).toBe(200);
      const inboxHtml = await inboxPage.text();
      const card = inboxHtml
        .split('<article')
        .find((a) => a.includes(`href="/dashboard/transactions/${transaction.id}"`));
      expect(card, `the inbox page lists ${transaction.id}:\n${inboxHtml}`).toBeDefined();
      expect(card).toMatch(/settled <span class="badge ok">signature verified<\/span>/);
      expect(card).toContain(String(arrived.signature));
    },
    20 * 60_000,
  );
});

/** The cookie a browser set for the sign-in cookie and then the session, by name=value. */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

/**
 * What a browser does with the dashboard: `/dashboard` sends it to the sign-in page (which sets the sign-in
 * cookie), the "Sign in as the sandbox merchant" form is posted with that cookie and the page's own Origin; the
 * answer sets the session cookie and sends it on. Returns the Cookie header of the session.
 */
async function signInAsSandbox(base: string): Promise<string> {
  const start = await fetch(`${base}/dashboard`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const signInUrl = new URL(start.headers.get('location')!, base);
  const page = await fetch(signInUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const button = html.indexOf('Sign in as the sandbox merchant</button>');
  expect(button, 'the sign-in page has the sandbox button').toBeGreaterThan(0);
  const form = html.slice(html.lastIndexOf('<form', button), button);
  const action = /action="([^"]+)"/.exec(form)![1]!;
  const fields = new URLSearchParams();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(m[1]!, m[2]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
  }
  expect([...fields.keys()].sort()).toEqual(['csrf', 'token']);
  const posted = await fetch(new URL(action, signInUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookiesOf(page),
      origin: base,
    },
    body: fields.toString(),
    redirect: 'manual',
  });
  expect(posted.status).toBe(303);
  const session = cookiesOf(posted);
  expect(session).toMatch(/kartoteka_dashboard=/);
  const landed = await fetch(new URL(posted.headers.get('location')!, base), {
    headers: { cookie: session },
  });
  expect(landed.status).toBe(200);
  return session;
}

/** The notification of `transactionId` as the inbox API shows it (waits for the outbox's delivery). */
async function inboxShows(request: Curl, transactionId: string): Promise<Record<string, unknown>> {
  const end = Date.now() + 20_000;
  for (;;) {
    const { status, json } = await send(request);
    expect(status).toBe(200);
    const found = (json.messages as Array<Record<string, unknown>>).find(
      (m) => m.transactionId === transactionId && m.event === 'settled',
    );
    if (found) return found;
    if (Date.now() > end)
      throw new Error(`no notification of ${transactionId} in the inbox: ${JSON.stringify(json)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
