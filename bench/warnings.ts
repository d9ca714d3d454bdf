import { createLogger, type Logger } from '../shared/observability/logger';

/** A logger for a bench run that counts warnings and errors by message, for the report. */
export function countingLogger(): { logger: Logger; warnings: Record<string, number> } {
  const warnings: Record<string, number> = {};
  const logger = createLogger({
    level: 'warn',
    write: (line) => {
      const message = (JSON.parse(line) as { message?: string }).message ?? '?';
      warnings[message] = (warnings[message] ?? 0) + 1;
    },
  });
  return { logger, warnings };
}
