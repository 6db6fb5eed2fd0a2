//! `GET /v1/events`: server-sent events converted from the node's committed-block broadcasts.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use govchain_types::CommittedBlock;
use tokio_stream::wrappers::BroadcastStream;

use crate::dto::{BlockEvent, EventsQuery, ModuleEvent};
use crate::server::AppState;

/// The `block` event of a committed block (with its transaction ids when `with_txs`).
pub(crate) fn block_event(c: &CommittedBlock, with_txs: bool) -> BlockEvent {
    BlockEvent {
        height: c.header.height,
        hash: c.hash.to_hex(),
        time_ms: c.header.time_ms,
        tx_count: c.tx_hashes.len(),
        tx_hashes: with_txs.then(|| c.tx_hashes.iter().map(|h| h.to_hex()).collect()),
    }
}

/// The `event` events of a committed block: every module event of every receipt, in order.
pub(crate) fn module_events(c: &CommittedBlock) -> impl Iterator<Item = ModuleEvent> + '_ {
    c.receipts.iter().flat_map(move |r| {
        r.events.iter().map(move |e| ModuleEvent {
            height: c.header.height,
            tx_hash: r.tx_hash.to_hex(),
            module: e.module.to_string(),
            kind: e.kind.to_string(),
            attributes: e.attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    })
}

/// Server-sent events: `block` after each commit, `event` for each module event.
#[utoipa::path(get, path = "/v1/events", params(EventsQuery),
    responses((status = 200, description = "Server-sent events", content_type = "text/event-stream"),
              (status = 400, body = crate::ErrorBody)))]
pub async fn events(
    State(s): State<AppState>,
    q: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, crate::ApiError> {
    let Query(q) = q.map_err(govchain_component::http::bad_query)?;
    // The slot is held by the stream and freed when the client goes away.
    let slot = s.guards.event_streams.clone().try_acquire_owned().map_err(|_| {
        crate::ApiError::unavailable("too_many_subscribers", "the node serves as many event streams as it can")
    })?;
    let rx = s.node.subscribe();
    let with_txs = q.txs;
    let stream = BroadcastStream::new(rx).flat_map(move |item| {
        let _held = &slot;
        let events: Vec<Result<Event, Infallible>> = match item {
            Ok(c) => {
                let block = block_event(&c, with_txs);
                let mut v = vec![Ok(Event::default().event("block").json_data(&block).unwrap_or_default())];
                v.extend(
                    module_events(&c).map(|e| Ok(Event::default().event("event").json_data(&e).unwrap_or_default())),
                );
                v
            }
            Err(_) => vec![Ok(Event::default().event("lagged").data("some events were skipped"))],
        };
        futures::stream::iter(events)
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
