/** A page of the dashboard: drawn once when navigated to, then refreshed whenever the server says something changed. */
export interface View {
  key: string;
  refresh(): Promise<void>;
}
