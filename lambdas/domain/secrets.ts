import { createHash, createHmac, randomBytes, randomInt, createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * PINs, tickets and tokens: drawn from the CSPRNG, stored only as hashes.
 */

/** A uniform PIN of `digits` decimal digits, leading zeros kept. */
export function drawPin(digits: number): string {
  return randomInt(0, 10 ** digits)
    .toString()
    .padStart(digits, '0');
}

/** Keyed hash of a PIN: without the secret (held outside the table) the 10^6 space cannot be enumerated. */
export function hashPin(secret: Buffer, pin: string): string {
  return createHmac('sha256', secret).update(`pin:${pin}`).digest('base64url');
}

/** An opaque bearer secret of 192 bits, URL- and file-name-safe. */
export function newOpaqueToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Tokens are high-entropy, so a plain hash suffices to store them unreadably. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const logKey = (secret: Buffer): Buffer => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'session-log-pin', 32));

/**
 * The session log shows the PIN (as the seed product does), but the table must
 * not: log entries carry it encrypted under a key derived from the PIN secret.
 */
export function sealForLog(secret: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', logKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

export function openFromLog(secret: Buffer, sealed: string): string | undefined {
  const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !data) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', logKey(secret), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
