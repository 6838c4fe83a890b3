/**
 * The Insights view's routes (issue 13), on the board's API client: a module of the Insights
 * chunk, so neither these calls nor the parsers they check answers with are in the board's or the
 * widget's first load.
 */
import { type ApiClient, parsed } from './api';
import { ApiError } from './logic/errors';
import {
  type Distribution,
  type GroupBy,
  insightsQuery,
  type Period,
  parseDistribution,
  parseRecommendations,
  parseReport,
  type RecommendationView,
  type Report,
} from './logic/insights';

/** The reports and recommendations routes (supervisors). */
export class InsightsApi {
  constructor(private readonly api: ApiClient) {}

  /** `GET /v1/reports/acw?from&to&groupBy=`: the wrap-up report. */
  async report(period: Period, groupBy: GroupBy): Promise<Report> {
    const { body } = await this.api.getRaw(`/v1/reports/acw?${insightsQuery(period, { groupBy })}`);
    return parsed(body, parseReport);
  }

  /**
   * The same report as CSV (`Accept: text/csv`), as the text the API sent: the page saves it as a
   * file. A bearer token is needed, so a plain link to the route could not download it.
   */
  async reportCsv(period: Period, groupBy: GroupBy): Promise<string> {
    const { response, text } = await this.api.getRaw(
      `/v1/reports/acw?${insightsQuery(period, { groupBy })}`,
      'text/csv',
    );
    const type = response.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('text/csv')) {
      throw new ApiError({
        kind: 'malformed',
        detail: `the CSV report came as ${type || 'no content type'}`,
      });
    }
    return text;
  }

  /** `GET /v1/recommendations?from&to` (R22): a window per queue and channel. */
  async recommendations(period: Period): Promise<RecommendationView[]> {
    const { body } = await this.api.getRaw(`/v1/recommendations?${insightsQuery(period)}`);
    return parsed(body, parseRecommendations);
  }

  /** `GET /v1/reports/acw/distribution?from&to&queueId&channel` (R22): the time agents needed. */
  async distribution(period: Period, queueId: string | null, channel: string): Promise<Distribution> {
    const query = insightsQuery(period, { queueId, channel });
    const { body } = await this.api.getRaw(`/v1/reports/acw/distribution?${query}`);
    return parsed(body, parseDistribution);
  }
}
