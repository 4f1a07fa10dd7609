import type { ErrorReportRow, GetErrorReport } from '../../../shared/contracts';

export type { ErrorReportRow };

/** `GET /tasks/:id/error-report?format=json`: the rows, as a JSON array (an attachment). */
export type ErrorReportResponse = GetErrorReport.Response;

/** How many failures the preview lists. */
export const PREVIEW_FAILURES = 10;
