/** What one demper run did, store by store added up; also what `/metrics` and the CLI report. */
export interface RunSummary {
  stores: number;
  checked: number;
  held: number;
  planned: number;
  sent: number;
  deferred: number;
  applied: number;
  failed: number;
  /** Products whose change waited for the store's change budget. */
  waited?: number;
  errors: { storeId: number; message: string }[];
}

export function emptySummary(): RunSummary {
  return { stores: 0, checked: 0, held: 0, planned: 0, sent: 0, deferred: 0, applied: 0, failed: 0, errors: [] };
}
