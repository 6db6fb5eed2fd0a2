//! The accept loop: every connection takes a slot (in all and per address) or is closed at once;
//! HTTP/1.1 with a deadline for the request headers; the client's address is put on each
//! request for the per-address limits.

use std::sync::Arc;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tracing::debug;

use crate::limits::{ClientAddr, Guards};

/// Serves `router` (built by [`crate::router`] with the same `guards`; other routes such as the
/// portal's may be merged in) under the limits, until the task is dropped.
pub async fn serve(listener: TcpListener, router: Router, guards: Arc<Guards>) -> std::io::Result<()> {
    let router = layer(router, guards.clone());
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors and the like: keep serving the connections we have.
            Err(e) => {
                debug!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) = guards.connect(addr.ip()) else {
            debug!(%addr, "connection refused: connection limit");
            continue;
        };
        let svc = router.clone().map_request(move |req: hyper::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ClientAddr(addr));
            req
        });
        let header_timeout = guards.limits.header_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
            let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            if let Err(e) = conn.await {
                debug!(%addr, error = %e, "connection ended");
            }
        });
    }
}

/// The limits' middleware, outermost, over every route.
pub(crate) fn layer(router: Router, guards: Arc<Guards>) -> Router {
    router.layer(axum::middleware::from_fn(move |req, next| crate::limits::guard(guards.clone(), req, next)))
}
