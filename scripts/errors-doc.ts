import { ERROR_CATALOG } from '../src/domain/error-catalog.js';

/** docs/errors.md, rendered from the one error catalog. */
export function renderErrorsDoc(): string {
  const rows = Object.values(ERROR_CATALOG)
    .slice()
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((e) => {
      const later =
        'retryLater' in e && e.retryLater ? ' _(retry later: not stored under an `Idempotency-Key`)_' : '';
      return `| \`${e.code}\` | ${e.status} | ${e.message}${later} |`;
    });
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/domain/error-catalog.ts by `npm run docs:errors`; a test fails when this file drifts. -->',
    '',
    'Every rejected request gets the imoje error envelope:',
    '',
    '```json',
    '{"apiErrorResponse": {"code": "TRX-ERROR-120301", "message": "Payment profile inactive.",',
    '  "instance": {"paymentProfileId": "…"}, "errors": [{"property": "paymentProfileId", "message": "Payment profile inactive."}]}}',
    '```',
    '',
    '- `instance` echoes the request payload with card data masked (`****1111`) and the CVV removed.',
    '- `errors[]` names each offending property (`card.number`, `customer.cid`, …) with a readable message.',
    '- A declined card is **not** an error: the request succeeds with `status: "rejected"` and a `statusCode`',
    '  (`CODE_05`, `CODE_51`, …; see `src/domain/result-codes.ts`).',
    '',
    '| code | HTTP status | message |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
