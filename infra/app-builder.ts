/**
 * Builds the CDK app without synthesising it, so tests can construct the same tree as `cdk synth`
 * with no side effects. infra/app.ts is the only caller that synthesises.
 */
import { App, type AppProps, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag';
import { attachmentsBucketName, inboundMailBucketName } from './stateful-stack';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface BuildAppProps {
  /** Deployment stage; overrides the `stage` context value. Default: context `stage`, else `dev`. */
  stage?: string;
  /** Account/region; default: environment-agnostic. */
  env?: Environment;
  /** Passed through to `new App()` (outdir, context, …). */
  appProps?: AppProps;
  /** Run cdk-nag's AWS Solutions checks at synthesis (default true). */
  nag?: boolean;
}

export interface BuiltApp {
  app: App;
  stage: string;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

const STAGE_PATTERN = /^[A-Za-z][A-Za-z0-9]*$/;

export function stackId(stage: string, role: 'Stateful' | 'Stateless'): string {
  return `CaseRouting-${stage}-${role}`;
}

/**
 * The mailbox as an e-mail address (`-c mailboxAddress=chair@union.example.org`): SES email receiving
 * exists only in some regions, so it is asked for, never assumed. Unset: no receiving resources.
 */
function mailboxFromContext(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw new Error(`Invalid context mailboxAddress "${String(value)}": an e-mail address such as chair@union.example.org`);
  return value.toLowerCase();
}

export function buildApp(props: BuildAppProps = {}): BuiltApp {
  const app = new App(props.appProps);
  const fromContext: unknown = app.node.tryGetContext('stage');
  const stage = props.stage ?? (typeof fromContext === 'string' && fromContext !== '' ? fromContext : 'dev');
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use letters and digits only, starting with a letter`);
  }

  Tags.of(app).add('app', 'case-routing');
  Tags.of(app).add('stage', stage);

  const mailboxAddress = mailboxFromContext(app.node.tryGetContext('mailboxAddress'));
  const receiptRuleSetName = `${stackId(stage, 'Stateless')}-mailbox`;
  const stateful = new StatefulStack(app, stackId(stage, 'Stateful'), {
    ...(props.env ? { env: props.env } : {}),
    ...(mailboxAddress && { mailbox: { receiptRuleSetName } }),
    description: `Case routing (${stage}): stateful resources (table, queues, timer group, mail configuration)`,
  });
  const stateless = new StatelessStack(app, stackId(stage, 'Stateless'), {
    ...(props.env ? { env: props.env } : {}),
    description: `Case routing (${stage}): API, functions, schedules, users, alarms`,
    table: stateful.table,
    queues: stateful.queues,
    timerDlq: stateful.timerDlq,
    scheduleGroup: stateful.scheduleGroup,
    configurationSet: stateful.configurationSet,
    attachmentsBucketName: attachmentsBucketName(stateful.stackName, stateful.account),
    ...(mailboxAddress && { mailbox: { address: mailboxAddress, bucketName: inboundMailBucketName(stateful.stackName, stateful.account), receiptRuleSetName } }),
  });

  if (props.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeNagFindings(stateful, stateless);
  }
  return { app, stage, stateful, stateless };
}
