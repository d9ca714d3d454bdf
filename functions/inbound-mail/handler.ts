import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { parseInbound } from '../../shared/adapters/mail/parse-inbound';
import { INBOUND_MAIL_PREFIX } from '../../shared/domain/inbound-mail';
import { fileInboundMail, type FiledMail, type InboundMailDeps } from '../../shared/usecases/inbound-mail';


/**
 * Each record: the raw message from S3, parsed, filed as a case, a supplement, nothing or held (SES's
 * spam and virus verdicts FAIL → held). A failure throws: Lambda retries the event, and the same
 * message is filed once whatever the retries (its Message-ID is claimed in the table first).
 */
export function inboundMailHandler({ deps, s3, bucket }: { deps: InboundMailDeps; s3: S3Client; bucket: string }) {
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
