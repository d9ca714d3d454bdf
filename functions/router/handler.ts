import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { CATEGORIES } from '../../shared/domain/case';
import { routeCase, type RouterDeps } from '../../shared/usecases/route-case';

const RoutingMessage = z.object({ caseId: z.string().check(z.minLength(1)), category: z.enum(CATEGORIES), version: z.int().check(z.positive()) });

/**
 * The router as an SQS batch handler with partial batch responses: a record that throws is
 * reported back and retried alone (and after 5 receives lands in the dead-letter queue); the
 * others are deleted. Lambda's event source mapping and the local poller call it the same way.
 */
export interface RouterHandlerOptions {
  /**
   * Records of a batch at once (Lambda's default) or one after another. The local runtime shares one
   * CPU between the API and the router, and routes one record at a time per queue so intake keeps
   * most of it; on Lambda each invocation has its own.
   */
  processInParallel?: boolean;
}

export function createRouterHandler(deps: RouterDeps, options: RouterHandlerOptions = {}) {
  const recordHandler = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`message ${record.messageId} is not JSON`);
    }
    const message = RoutingMessage.parse(body);
    const outcome = await routeCase(deps, message);
    deps.logger.debug('router.message_done', { messageId: record.messageId, caseId: message.caseId, outcome });
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // One processor per batch: the local poller may run batches of several queues at once.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, recordHandler, processor, { processInParallel: options.processInParallel ?? true });
    for (const failure of response.batchItemFailures) deps.logger.warn('router.message_failed', { messageId: failure.itemIdentifier });
    return response;
  };
}
