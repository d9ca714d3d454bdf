import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CATEGORIES, type Category } from '../../domain/case';
import type { CaseQueue, QueueDepth, RoutingMessage } from '../../ports';
import { moveAllMessages } from './redrive';

/** A category's standard queue and the dead-letter queue its RedrivePolicy points at. */
export interface CategoryQueue {
  url: string;
  dlqUrl: string;
}

export type CategoryQueues = Record<Category, CategoryQueue>;

/** One SQS standard queue per category; the same code on AWS and against fauxqs. */
export class SqsCaseQueue implements CaseQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queues: CategoryQueues,
  ) {}

  async send(message: RoutingMessage): Promise<void> {
    const { url } = this.queueOf(message.category);
    // Only the three routing fields travel: the body must never carry personal data.
    const body = JSON.stringify({ caseId: message.caseId, category: message.category, version: message.version });
    const sent = await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    if (!sent.MessageId) throw new Error(`SQS did not accept the routing message for case ${message.caseId}`);
  }

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      CATEGORIES.map(async (category) => {
        const { url, dlqUrl } = this.queueOf(category);
        const [queue, dlq] = await Promise.all([this.counts(url), this.counts(dlqUrl)]);
        // A dead letter being redriven is in flight on the DLQ but still a dead letter.
        return { category, visible: queue.visible, inFlight: queue.inFlight, deadLetters: dlq.visible + dlq.inFlight };
      }),
    );
  }

  async redrive(category: Category): Promise<number> {
    const { url, dlqUrl } = this.queueOf(category);
    return moveAllMessages(this.client, dlqUrl, url);
  }

  private queueOf(category: Category): CategoryQueue {
    const queue = this.queues[category] as CategoryQueue | undefined;
    if (!queue) throw new Error(`No queue configured for category ${String(category)}`);
    return queue;
  }

  private async counts(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes: attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }
}
