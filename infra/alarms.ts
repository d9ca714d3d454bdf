import { CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { CfnSubscription} from 'aws-cdk-lib/aws-sns';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Category } from '../shared/domain/case';
import type { CategoryQueue } from './stateful-stack';

export interface AlarmsProps {
  queues: Record<Category, CategoryQueue>;
  timerDlq: Queue;
  escalator: LambdaFn;
  router: LambdaFn;
  api: HttpApi;
  /** Subscribed to the topic when not empty. */
  alarmEmail: string;
}

/** Oldest message a category queue may hold before operators hear of it: routing takes seconds. */
export const QUEUE_AGE_ALARM_SECONDS = 300;
/** Share of API responses that may be 5xx over five minutes. */
export const API_5XX_RATE = 0.05;
export const METRIC_NAMESPACE = 'UnionCaseRouting';

/**
 * What operators are told about, on one SNS topic: any message in a dead-letter queue, any
 * escalator error (a missed 督办 e-mail), a router falling behind, a 5xx rate; and the breaches per
 * day as a metric (from the escalator's structured log), for the dashboard rather than a page.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly breachesPerDay: Metric;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Union case routing alarms', enforceSSL: true });
    const hasEmail = new CfnCondition(this, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(props.alarmEmail, '')) });
    const sub = new Subscription(this, 'Email', { topic: this.topic, protocol: SubscriptionProtocol.EMAIL, endpoint: props.alarmEmail });
    (sub.node.defaultChild as CfnSubscription).cfnOptions.condition = hasEmail;
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };

    for (const [category, { queue, dlq }] of Object.entries(props.queues)) {
      alarm(`${category}DeadLetters`, dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, `A ${category} case failed routing five times: see GET /v1/admin/queues, then redrive`);
      alarm(`${category}QueueAge`, queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }), QUEUE_AGE_ALARM_SECONDS, `The router is ${QUEUE_AGE_ALARM_SECONDS / 60}+ minutes behind on ${category} cases`);
    }
    alarm('TimerDeadLetters', props.timerDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, 'An SLA timer could not be delivered to the escalator; the reconciler re-creates it, but look at why');
    alarm('EscalatorErrors', props.escalator.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, 'The escalator failed: a warning or 督办 e-mail may be late');
    alarm('RouterErrors', props.router.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, 'The router failed a whole batch');
    const rate = new MathExpression({
      expression: 'IF(requests > 20, errors / requests, 0)',
      usingMetrics: { errors: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), requests: props.api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }) },
      period: Duration.minutes(5),
      label: 'API 5xx rate',
    });
    alarm('Api5xxRate', rate, API_5XX_RATE, `More than ${API_5XX_RATE * 100} % of API responses were 5xx over five minutes`);

    // Every escalation the escalator handled at the breach step is one case past its legal deadline.
    new MetricFilter(this, 'Breaches', {
      logGroup: props.escalator.logGroup,
      filterPattern: FilterPattern.all(FilterPattern.stringValue('$.message', '=', 'escalator.escalated'), FilterPattern.stringValue('$.handled', '=', 'breach')),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'Breaches',
      metricValue: '1',
      defaultValue: 0,
    });
    this.breachesPerDay = new Metric({ namespace: METRIC_NAMESPACE, metricName: 'Breaches', period: Duration.days(1), statistic: 'Sum', label: 'Cases past their deadline, per day' });
  }
}
