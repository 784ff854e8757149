import { Logger } from '@aws-lambda-powertools/logger';
import type { EventLogger } from '#domain/notifier';

const level = (['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const).find((l) => l === process.env.LOG_LEVEL) ?? 'INFO';

/**
 * Structured JSON logs (Powertools). Never log PINs, tickets, tokens or
 * request bodies: log event names and counts.
 */
export const powertoolsLogger = new Logger({ serviceName: 'pin-remote-support', logLevel: level });

export const logger: EventLogger = {
  info: (message, attributes = {}) => powertoolsLogger.info(message, attributes),
  warn: (message, attributes = {}) => powertoolsLogger.warn(message, attributes),
  error: (message, attributes = {}) => powertoolsLogger.error(message, attributes),
};
