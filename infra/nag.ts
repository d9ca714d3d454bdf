import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { StatefulStack } from './stateful-stack';
import type { StatelessStack } from './stateless-stack';

/**
 * cdk-nag findings this design accepts, each with its reason, on the narrowest construct that has
 * it. Anything not listed here stops `cdk synth` (and test/infra fails).
 */
export function acknowledgeNagFindings(stateful: StatefulStack, stateless: StatelessStack): void {
  Validations.of(stateful.timerDlq).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: "This queue is EventBridge Scheduler's dead-letter target for SLA timers, not an SQS redrive source; it needs no DLQ of its own.",
  });

  for (const f of Object.values(stateless.functions).filter((x) => x !== undefined)) {
    Validations.of(f.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the project targets and tests against (DEVELOPERS.md); moving to a newer line is a deliberate upgrade, not a default.',
    });
    Validations.of(f).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS requires "*").',
    });
  }
  for (const f of [stateless.functions.api, stateless.functions.router, stateless.functions.escalator, stateless.functions.reconciler]) {
    Validations.of(f).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${stateful.scheduleGroup.scheduleGroupName}/*]`,
      reason: "SLA timers are one-time schedules named per case and step at run time; the wildcard is confined to this app's schedule group.",
    });
  }
  for (const f of [stateless.functions.reconciler, stateless.functions.reporter]) {
    Validations.of(stateless.scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stateless.getLogicalId(f.fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: "Added by aws-scheduler-targets' LambdaInvoke: invoke on the function's own versions and aliases, nothing else.",
    });
  }
  for (const route of stateless.publicRoutes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: "Public by design: the web form, tracking with the tracking code, the docs, health, the console's static files and its sign-in config (the console's data calls carry the Cognito ID token). Throttled at the stage and rate-limited per client address by the app.",
    });
  }
  Validations.of(stateful.attachments).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Letters’ files are read only through the API (each download is a logged request by a named principal, then a 5-minute presigned link); S3 server access logs would add a second bucket with the same facts.',
  });
  Validations.of(stateless.functions.api).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stateful.stackName.toLowerCase()}-attachments-<AWS::AccountId>/attachments/*]`,
    reason: 'Attachments are objects named by id at run time; the wildcard is confined to the attachments/ prefix of the one bucket.',
  });
  Validations.of(stateless.functions.api).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stateful.stackName.toLowerCase()}-attachments-<AWS::AccountId>/incoming/*]`,
    reason: 'Files browsers send ahead of a letter are objects named by upload id at run time (one presigned POST each); the wildcard is confined to the incoming/ prefix, which expires after a day.',
  });
  const inbound = stateless.functions['inbound-mail'];
  if (stateful.inboundMail && inbound) {
    Validations.of(stateful.inboundMail).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Raw messages are written by SES alone and read by the inbound-mail function alone, and expire after 30 days; the function logs every message it files (by a hash of its Message-ID).',
    });
    Validations.of(inbound).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stateful.stackName.toLowerCase()}-attachments-<AWS::AccountId>/attachments/*]`,
      reason: 'Files of e-mailed letters are objects named by id at run time; the wildcard is confined to the attachments/ prefix of the one bucket.',
    });
    Validations.of(inbound).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stateful.stackName.toLowerCase()}-inbound-mail-<AWS::AccountId>/inbound/*]`,
      reason: "Raw messages are named by SES's message id at receipt; the wildcard is confined to the inbound/ prefix of the raw-mail bucket, read only.",
    });
  }
  Validations.of(stateless.identity.userPool).acknowledge({
    id: 'AwsSolutions-COG8',
    reason: 'Staff accounts only, created by an administrator, with TOTP MFA required; the Plus tier (threat protection) is a cost decision left to the operator.',
  });
}
