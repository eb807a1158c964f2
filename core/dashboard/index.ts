/** The web dashboard's views: the public door of core/dashboard for coordinator/ and the page's types. */
export {
  allowed, visibleJobs, jobView, curvesView, privacyView, roundDropouts, hospitalsView, jobPhase, DROPOUT_PHASES,
  type JobRecord, type RoundRow, type LiveJobState, type HospitalPresence, type Viewer, type JobView, type Series, type MetricSeries,
  type CurvesView, type PrivacyView, type DropoutPhase, type HospitalsView, type CoordinatorSnapshot,
} from './views.ts';
