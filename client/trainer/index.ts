/** The client trainer: tfjs backend choice, local training and local evaluation. */
export { loadTf, BACKEND_ENV, type BackendLog, type BackendName, type LoadedTf, type Tf } from './backend.ts';
export { trainLocal, type TrainInput, type TrainResult } from './train.ts';
export { evaluateModel } from './evaluate.ts';
