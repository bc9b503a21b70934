import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useNow } from '../../../lib/clock';
import { formatDateTime } from '../../../lib/format';
import { fetchDaemonTokens } from '../api';
import { Badge } from '../components/Badge';
import { AdminListPanel, useAdminList } from '../components/AdminListPanel';
import { adminText } from '../strings';
import type { DaemonToken } from '../types';
import { NewDaemonTokenDialog } from './NewDaemonTokenDialog';
import { RevokeDaemonTokenDialog, RotateDaemonTokenDialog } from './TokenActionDialogs';
import { isLive, newestTokenIds, tokenStateView, visibleTokens, type TokenFilter } from './token-state';

const t = adminText.daemonTokens;

type Open = { kind: 'new' } | { kind: 'rotate' | 'revoke'; token: DaemonToken } | null;

/** Tokens de daemon: every token with its daemon and state; create, rotate, revoke. */
export default function DaemonTokensPage() {
  const admin = useAdminList(fetchDaemonTokens);
  const { list: tokens, items: all, done, addButton } = admin;
  const now = useNow(30_000);
  const [open, setOpen] = useState<Open>(null);
  const [filter, setFilter] = useState<TokenFilter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const ids = { count: useId(), search: useId(), filter: useId() };

  const rows = useMemo(() => visibleTokens(all, filter, deferredQuery, now), [all, filter, deferredQuery, now]);
  const newest = useMemo(() => newestTokenIds(all), [all]);
  const takenClientIds = useMemo(() => new Set(all.map((x) => x.clientId).filter((c): c is string => !!c)), [all]);
  const filtered = filter !== 'all' || query.trim() !== '';
  const clearFilters = () => {
    setQuery('');
    setFilter('all');
  };

  const close = () => setOpen(null);
  const rotateButtonOf = (daemonId: number) => document.querySelector<HTMLElement>(`[data-rotate-daemon="${daemonId}"]`);

  return (
    <AdminListPanel
      id="daemon-tokens-heading"
      title={t.panel}
      meta={t.count(rows.length, all.length)}
      metaId={ids.count}
      addLabel={t.add}
      onAdd={() => setOpen({ kind: 'new' })}
      admin={admin}
      loadingLabel={t.loading}
    >
      {tokens.data && all.length === 0 ? <p className="table-empty">{t.empty}</p> : null}
      {tokens.data && all.length > 0 ? (
        <>
          <div className="toolbar" role="search">
            <div className="field field-inline field-grow">
              <label htmlFor={ids.search}>{t.searchLabel}</label>
              <input
                id={ids.search}
                type="search"
                value={query}
                placeholder={t.searchPlaceholder}
                onChange={(e) => setQuery(e.target.value)}
                aria-controls="daemon-tokens-table"
                aria-describedby={ids.count}
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <div className="field field-inline">
              <label htmlFor={ids.filter}>{t.stateFilter}</label>
              <select id={ids.filter} value={filter} onChange={(e) => setFilter(e.target.value as TokenFilter)} aria-controls="daemon-tokens-table">
                {(Object.keys(t.filters) as TokenFilter[]).map((k) => (
                  <option key={k} value={k}>
                    {t.filters[k]}
                  </option>
                ))}
              </select>
            </div>
            {filtered ? (
              <button type="button" className="button button-quiet" onClick={clearFilters}>
                {t.clearFilters}
              </button>
            ) : null}
          </div>

          <div className="table-scroll">
            <table className="table admin-table daemon-tokens-table" id="daemon-tokens-table">
              <caption className="sr-only">{t.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.cols.daemon}</th>
                  <th scope="col" className="col-client">{t.cols.clientId}</th>
                  <th scope="col" className="col-public">{t.cols.publicId}</th>
                  <th scope="col" className="col-token-state">{t.cols.state}</th>
                  <th scope="col" className="col-date">{t.cols.createdAt}</th>
                  <th scope="col" className="align-end">
                    {t.cols.actions}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((tok) => {
                  const view = tokenStateView(tok, now);
                  const rowId = `daemon-token-${tok.id}`;
                  const live = isLive(view.state);
                  return (
                    <tr key={tok.id} className={live ? undefined : 'row-muted'}>
                      <th scope="row" id={rowId} className="cell-strong">
                        <span className="wrap-anywhere">{tok.name}</span>
                      </th>
                      <td className="mono">
                        {tok.clientId ? (
                          <span className="wrap-anywhere">{tok.clientId}</span>
                        ) : (
                          <span className="muted" title={t.unboundTitle}>
                            {t.unbound}
                          </span>
                        )}
                      </td>
                      <td className="mono nowrap">{tok.publicId}</td>
                      <td>
                        <Badge tone={view.tone}>{view.label}</Badge>
                        {view.detail ? <span className="sub num">{view.detail}</span> : null}
                      </td>
                      <td className="num nowrap">{formatDateTime(tok.createdAt)}</td>
                      <td className="align-end">
                        <div className="row-actions">
                          {newest.has(tok.id) ? (
                            <button type="button" className="button button-small" aria-describedby={rowId} data-rotate-daemon={tok.daemonId} onClick={() => setOpen({ kind: 'rotate', token: tok })}>
                              {t.rotate}
                            </button>
                          ) : null}
                          {live ? (
                            <button type="button" className="button button-small button-danger-outline" aria-describedby={rowId} data-revoke-token={tok.id} onClick={() => setOpen({ kind: 'revoke', token: tok })}>
                              {t.revoke}
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 ? (
              <p className="table-empty">
                {t.noMatch}{' '}
                <button type="button" className="button button-small" onClick={clearFilters}>
                  {t.clearFilters}
                </button>
              </p>
            ) : null}
          </div>
        </>
      ) : null}

      {open?.kind === 'new' ? (
        <NewDaemonTokenDialog takenClientIds={takenClientIds} onClose={close} onCreated={done} returnFocus={() => addButton.current} />
      ) : null}
      {open?.kind === 'rotate' ? (
        <RotateDaemonTokenDialog
          token={open.token}
          onClose={close}
          onDone={done}
          returnFocus={() => rotateButtonOf(open.token.daemonId) ?? addButton.current}
        />
      ) : null}
      {open?.kind === 'revoke' ? (
        <RevokeDaemonTokenDialog
          token={open.token}
          onClose={close}
          onDone={done}
          returnFocus={() => rotateButtonOf(open.token.daemonId) ?? addButton.current}
        />
      ) : null}
    </AdminListPanel>
  );
}
