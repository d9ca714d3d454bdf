import { composeReconciler, onFirstUse } from '../../shared/compose/aws';
import { reconcile } from '../../shared/usecases/reconcile';

/** The reconciler's deps from the environment; on AWS a Scheduler rate(5 minutes) invokes it. */
export const buildReconciler = composeReconciler;

const deps = onFirstUse(() => buildReconciler(process.env));
export const handler = () => reconcile(deps());
