import { composeReporter, onFirstUse } from '../../shared/compose/aws';
import { sendMonthlyReport } from '../../shared/usecases/monthly-report';

/** The monthly reporter's deps from the environment; on AWS a daily Scheduler schedule invokes it. */
export const buildReporter = composeReporter;

const deps = onFirstUse(() => buildReporter(process.env));
export const handler = () => sendMonthlyReport(deps());
