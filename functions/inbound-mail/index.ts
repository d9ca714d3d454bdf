import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SESEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { S3AttachmentStore } from '../../shared/adapters/files/s3-attachments';
import { parseInbound } from '../../shared/adapters/mail/parse-inbound';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { randomIds } from '../../shared/adapters/ids';
import { calendarService, noTimers, ownMail } from '../../shared/compose';
import { ConfigError, loadFunctionConfig, publicBaseUrlFromConfig, queuesFromConfig } from '../../shared/config';
import { createLogger } from '../../shared/observability/logger';
import { systemClock } from '../../shared/ports';
import { fileInboundMail, type FiledMail } from '../../shared/usecases/inbound-mail';

/** Where the SES receipt rule's S3 action stores each message: `${INBOUND_MAIL_PREFIX}<SES message id>` (infra/stateless-stack.ts). */
export const INBOUND_MAIL_PREFIX = 'inbound/';

/**
 * Invoked by the SES receipt rule (Lambda action, asynchronous) after its S3 action stored the raw
 * message: reads it, and files it as a case, a supplement, nothing or held (SES's spam and virus
 * verdicts FAIL → held). A failure throws: Lambda retries the event, and the same message is
 * filed once whatever the retries (its Message-ID is claimed in the table first).
 */
export function buildInboundMail(env: Record<string, string | undefined> = process.env) {
  const config = loadFunctionConfig('inbound-mail', env);
  const bucket = config.INBOUND_MAIL_BUCKET;
  if (!bucket || !config.MAILBOX_ADDRESS) throw new ConfigError('Invalid configuration:\n  INBOUND_MAIL_BUCKET, MAILBOX_ADDRESS: required for the inbound-mail function');
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'inbound-mail' } });
  const s3 = new S3Client({ region: config.AWS_REGION });
  const clock = systemClock;
  const deps = {
    ...stores,
    queue: new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config)),
    // A new case's deadline needs the calendar; filing never moves a timer.
    calendar: calendarService({ ...stores, timers: noTimers('inbound-mail'), clock, logger, config }),
    clock,
    ids: randomIds,
    logger,
    ...(config.ATTACHMENTS_BUCKET && {
      attachments: new S3AttachmentStore({ client: new S3Client({ region: config.AWS_REGION, ...(config.ATTACHMENTS_ENDPOINT && { endpoint: config.ATTACHMENTS_ENDPOINT, forcePathStyle: true }) }), bucket: config.ATTACHMENTS_BUCKET }),
    }),
    mailer: sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET }),
    publicBaseUrl: publicBaseUrlFromConfig(config),
    own: ownMail(config),
  };

  return async (event: SESEvent): Promise<FiledMail[]> => {
    const filed: FiledMail[] = [];
    for (const record of event.Records) {
      const { mail, receipt } = record.ses;
      const key = `${INBOUND_MAIL_PREFIX}${mail.messageId}`;
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const raw = await object.Body?.transformToByteArray();
      if (!raw) throw new Error(`inbound-mail: s3://${bucket}/${key} is empty`);
      const letter = await parseInbound(raw, {
        // SES's `source` is the envelope sender (MAIL FROM); empty for the null sender.
        mailFrom: mail.source ?? '',
        verdicts: { spam: receipt.spamVerdict.status, virus: receipt.virusVerdict.status },
      });
      filed.push(await fileInboundMail(deps, { raw, letter, source: { kind: 's3', bucket, key } }));
    }
    return filed;
  };
}

let cached: ReturnType<typeof buildInboundMail> | undefined;

export const handler = (event: SESEvent) => (cached ??= buildInboundMail())(event);
