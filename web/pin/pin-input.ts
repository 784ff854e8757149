/** What the PIN field accepts: the technician reads 6 digits; people paste them with spaces or dashes. */
export const pinLength = 6;

const fullWidthZero = 0xff10;

/**
 * Keeps only the digits (full-width digits from East Asian keyboards become
 * ASCII ones) and at most `pinLength` of them, so "123 456", "123-456" and
 * "PIN: 123456" all become "123456".
 */
export function normalisePin(raw: string): string {
  const asciiDigits = raw.replace(/[\uff10-\uff19]/g, (digit) => String(digit.charCodeAt(0) - fullWidthZero));
  return asciiDigits.replace(/[^0-9]/g, '').slice(0, pinLength);
}

export function isCompletePin(pin: string): boolean {
  return pin.length === pinLength && /^[0-9]+$/.test(pin);
}
