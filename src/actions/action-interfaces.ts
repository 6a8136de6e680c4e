/**
 * The interfaces an action's endpoints carry, checked once before any endpoint is made: an action
 * whose definition is missing fails before the node owns a half-built server or client.
 */
import { getCodec } from '../cdr/index.js';
import { actionMessageTypes } from '../rmw/type-names.js';

export interface ActionInterfaces {
  /** `pkg/action/Name_SendGoal`, a service type the node API takes. */
  readonly sendGoalService: string;
  readonly cancelGoalService: string;
  readonly getResultService: string;
  /** `pkg/action/Name_FeedbackMessage`. */
  readonly feedbackMessage: string;
  readonly statusMessage: string;
  /** `pkg/action/Name_Result`. */
  readonly result: string;
}

const serviceOf = (request: string) => request.slice(0, -'_Request'.length);

/** InvalidTypeNameError for a name that is not an action type, InterfaceNotFoundError for an unknown one. */
export function actionInterfaces(actionType: string): ActionInterfaces {
  const t = actionMessageTypes(actionType);
  const base = t.feedback.slice(0, -'_FeedbackMessage'.length);
  const out: ActionInterfaces = {
    sendGoalService: serviceOf(t.sendGoal.request),
    cancelGoalService: serviceOf(t.cancelGoal.request),
    getResultService: serviceOf(t.getResult.request),
    feedbackMessage: t.feedback,
    statusMessage: t.status,
    result: `${base}_Result`,
  };
  for (const name of [
    t.sendGoal.request,
    t.sendGoal.response,
    t.cancelGoal.request,
    t.cancelGoal.response,
    t.getResult.request,
    t.getResult.response,
    t.feedback,
    t.status,
  ])
    getCodec(name);
  return out;
}
