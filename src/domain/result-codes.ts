/**
 * imoje's card result codes (`statusCode`), with the descriptions used in `statusCodeDescription`
 * ("CODE_000 - OK"). Acquirer connectors translate their network's answers into these.
 */
export const RESULT_CODES = {
  CODE_000: 'OK',
  CODE_01: 'Refer to card issuer',
  CODE_02: 'Refer to card issuer, special condition',
  CODE_03: 'Invalid merchant',
  CODE_04: 'Pick up card',
  CODE_05: 'Do not honor',
  CODE_06: 'Error',
  CODE_07: 'Pick up card, special condition',
  CODE_12: 'Invalid transaction',
  CODE_13: 'Invalid amount',
  CODE_14: 'Invalid card number',
  CODE_15: 'No such issuer',
  CODE_19: 'Re-enter transaction',
  CODE_30: 'Format error',
  CODE_33: 'Expired card, pick up',
  CODE_34: 'Suspected fraud, pick up',
  CODE_39: 'No credit account',
  CODE_41: 'Lost card',
  CODE_43: 'Stolen card',
  CODE_51: 'Insufficient funds',
  CODE_54: 'Expired card',
  CODE_55: 'Incorrect PIN',
  CODE_57: 'Card disabled for e-commerce or cross-border transactions',
  CODE_58: 'Transaction not permitted to terminal',
  CODE_59: 'Suspected fraud',
  CODE_61: 'Exceeds withdrawal amount limit',
  CODE_62: 'Restricted card',
  CODE_63: 'Security violation',
  CODE_65: 'Exceeds withdrawal frequency limit',
  CODE_75: 'Allowable number of PIN tries exceeded',
  CODE_78: 'Card not activated',
  CODE_82: 'Policy violation',
  CODE_91: 'Issuer unavailable',
  CODE_92: 'Destination cannot be found for routing',
  CODE_93: 'Transaction cannot be completed, violation of law',
  CODE_94: 'Duplicate transmission',
  CODE_96: 'System malfunction',
  CODE_99: 'Authorization error – default',
  CODE_114: 'Cardholder authentication required',
  CODE_570: '3D Secure authentication failed',
  CODE_581: '3D Secure authentication not available',
  CODE_AC: 'Account closed',
  CODE_N0: 'Force STIP',
  CODE_N8: 'Transaction amount exceeds pre-authorised approval amount',
  CODE_P1: 'Over daily limit',
  CODE_P9: 'Limit exceeded; enter a lesser amount',
  CODE_PF: 'Payment cancelled by the payer',
  CODE_Q1: 'Card authentication failed',
  CODE_SD: 'Soft decline (SCA required)',
  CODE_T3: 'Card not supported',
  CODE_T5: 'Card inactive or closed',
  CODE_T8: 'Invalid account',
  CODE_Z3: 'Unable to go online; offline declined',
} as const;

export type ResultCode = keyof typeof RESULT_CODES;

export function describeResultCode(code: string): string {
  const text = (RESULT_CODES as Record<string, string>)[code] ?? 'Unknown result';
  return `${code} - ${text}`;
}
