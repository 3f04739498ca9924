import type { SandboxCredentials } from '../admin/accounts.js';

/** What a newcomer needs after `npm start`: where to call, with what, and a command to paste. */
export function banner(
  url: string,
  mode: string,
  database: string,
  creds: SandboxCredentials | null,
): string {
  const lines = [
    '',
    `Kartoteka ${mode} gateway listening on ${url}  (database: ${database})`,
    `  API base URL : ${url}/v1/merchant`,
  ];
  if (creds) {
    const body = JSON.stringify({
      type: 'sale',
      serviceId: creds.serviceId,
      amount: 1999,
      currency: 'PLN',
      orderId: 'order-1',
      title: 'First order',
      paymentMethod: 'card',
      paymentMethodCode: 'oneclick',
      successReturnUrl: 'https://shop.example/ok',
      failureReturnUrl: 'https://shop.example/fail',
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: 'customer-1' },
      card: {
        number: '4111111111111111',
        month: '12',
        year: '2029',
        cvv: '123',
        firstName: 'Jan',
        lastName: 'Kowalski',
      },
    });
    lines.push(
      `  merchantId   : ${creds.merchantId}`,
      `  serviceId    : ${creds.serviceId}`,
      `  serviceKey   : ${creds.serviceKey}`,
      `  token        : ${creds.token}`,
      '',
      'Register a OneClick card (test card 4111 1111 1111 1111):',
      `  curl -s ${url}/v1/merchant/${creds.merchantId}/transaction \\`,
      `    -H 'Authorization: Bearer ${creds.token}' -H 'Content-Type: application/json' \\`,
      `    -d '${body}'`,
    );
  }
  if (mode === 'sandbox') lines.push('', `Demo shop (card widget): ${url}/demo`);
  if (mode === 'sandbox' && creds) {
    // Where the sandbox shop's notifications go (it has no URL of its own): seen at once, no setup.
    lines.push(
      `Webhook inbox: ${url}/kartoteka/v1/merchant/${creds.merchantId}/inbox  ` +
        '(relay to your app: npx kartoteka listen --forward-to http://localhost:3000/hook)',
    );
  }
  lines.push(`API reference: ${url}/docs    Health: ${url}/health/ready    Stop: Ctrl+C`, '');
  return lines.join('\n');
}
