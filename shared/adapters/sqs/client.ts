import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

export interface SqsOptions {
  region?: string;
  /** Set for the local engine (fauxqs); unset on AWS. */
  endpoint?: string;
}

export function createSqsClient(options: SqsOptions = {}): SQSClient {
  const config: SQSClientConfig = { region: options.region ?? 'ap-east-1', maxAttempts: 5 };
  if (options.endpoint) {
    // With an explicit endpoint the SDK sends every call there rather than to the host in QueueUrl,
    // so the local engine's URLs (sqs.<region>.localhost) never need to resolve.
    config.endpoint = options.endpoint;
    // Local engines accept any credentials; fixed ones keep the SDK from searching the machine.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return new SQSClient(config);
}
