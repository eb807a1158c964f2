/** The client trainer: tfjs backend choice, local training (plain and DP-SGD) and local evaluation. */
export { loadTf, BACKEND_ENV, type BackendLog, type BackendName, type LoadedTf, type Tf } from './backend.ts';
export { trainLocal, type TrainInput, type TrainResult } from './train.ts';
export {
  trainDpSgd,
  assertDpParams,
  MAX_DP_STEPS,
  type DpSgdParams,
  type DpTrainInput,
  type DpTrainResult,
} from './dpsgd.ts';
export { evaluateConfusion, evaluateModel } from './evaluate.ts';
export { assertWeights, MAX_WEIGHT_NORM } from './model.ts';
