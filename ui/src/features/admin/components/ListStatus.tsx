import { Banner } from '../../../components/Banner';
import { Loading } from '../../../components/Loading';
import type { ApiError } from '../../../lib/api-client';
import { adminText } from '../strings';

/** While a list loads, or why it did not (with a retry); nothing once it is there. */
export function ListStatus({ loading, error, hasData, loadingLabel, onRetry }: {
  loading: boolean;
  error: ApiError | null;
  hasData: boolean;
  loadingLabel: string;
  onRetry: () => void;
}) {
  if (error) {
    return (
      <Banner
        tone="error"
        title={adminText.loadFailed}
        action={
          <button type="button" className="button button-small" onClick={onRetry}>
            {adminText.retry}
          </button>
        }
      >
        {error.message}
      </Banner>
    );
  }
  if (loading && !hasData) return <Loading label={loadingLabel} />;
  return null;
}
