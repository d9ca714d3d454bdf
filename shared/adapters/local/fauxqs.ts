import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { CATEGORIES, type Category } from '../../domain/case';
import type { CategoryQueue, CategoryQueues } from '../sqs/case-queue';
import { createSqsClient } from '../sqs/client';

export interface LocalSqsOptions {
  /** Seconds a received message stays hidden before SQS offers it again. */
  visibilityTimeoutSeconds?: number;
  /** Receives after which SQS moves a message to the category's dead-letter queue. */
  maxReceiveCount?: number;
  /** Queue names are `${prefix}-${category}` and `${prefix}-${category}-dlq`. */
  prefix?: string;
  /** Region of the queues' URLs and ARNs; fauxqs takes it from the signing client, as AWS would. */
  region?: string;
}

export interface LocalSqs {
  endpoint: string;
  queues: CategoryQueues;
  close(): Promise<void>;
}

/**
 * The embedded SQS engine: fauxqs on loopback with one queue and one dead-letter queue per category,
 * wired by RedrivePolicy as on AWS. fauxqs keeps messages in memory only, so a restart loses what
 * was queued; that is acceptable because the case table is the source of truth and the reconciler
 * re-enqueues cases still waiting for routing.
 *
 * fauxqs's startFauxqs() always listens on 0.0.0.0, which would put an unauthenticated queue on the
 * LAN; its buildApp() lets us bind 127.0.0.1 instead. Queues are then made through the SQS API itself.
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const { visibilityTimeoutSeconds = 30, maxReceiveCount = 5, prefix = 'union-cases', region = 'ap-east-1' } = options;
  const app = buildApp({ logger: false, host: 'localhost', defaultRegion: region });
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const client = createSqsClient({ endpoint, region });
    const entries = await Promise.all(
      CATEGORIES.map(async (category) => {
        const queue = await createCategoryQueue(client, `${prefix}-${category}`, visibilityTimeoutSeconds, maxReceiveCount);
        return [category, queue] as [Category, CategoryQueue];
      }),
    );
    client.destroy();
    return { endpoint, queues: Object.fromEntries(entries) as CategoryQueues, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}

async function createCategoryQueue(
  client: SQSClient,
  name: string,
  visibilityTimeoutSeconds: number,
  maxReceiveCount: number,
): Promise<CategoryQueue> {
  const { QueueUrl: dlqUrl } = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const { QueueUrl: url } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount }),
      },
    }),
  );
  if (!url || !dlqUrl) throw new Error(`fauxqs did not create queue ${name}`);
  return { url, dlqUrl };
}
