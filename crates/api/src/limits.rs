//! What the public may cost a node: connections (in all and per address), the time to send
//! headers and a request, requests in flight, requests per second per address, event streams.
//! Every refusal is the JSON error with a stable code; connections over the limits are closed.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use parking_lot::Mutex;
use tokio::sync::Semaphore;

use crate::ApiError;

/// The API's limits (`[api]` in the node configuration).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections from one address.
    pub max_connections_per_ip: usize,
    /// Time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// Time a request (body included) may take, event streams excepted.
    pub request_timeout: Duration,
    /// Requests being answered at once; more are refused with 503 `overloaded`.
    pub max_in_flight: usize,
    /// Requests per second from one address (0: no limit); more get 429 `rate_limited`.
    pub rate_per_s: u32,
    /// Requests one address may send at once above its rate.
    pub rate_burst: u32,
    /// Whether loopback addresses are rate limited too (off for a local development node).
    pub rate_limit_loopback: bool,
    /// Event streams (`/v1/events`) open at once.
    pub max_event_streams: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 2048,
            max_connections_per_ip: 64,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 512,
            rate_per_s: 200,
            rate_burst: 400,
            rate_limit_loopback: false,
            max_event_streams: 1024,
        }
    }
}

/// The address a request came from (set by the server on every request).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

/// The limits' shared counters: made once per node, given to [`crate::router`] (event streams)
/// and to [`crate::serve`] (connections, rates, requests in flight).
pub struct Guards {
    pub(crate) limits: Limits,
    in_flight: Arc<Semaphore>,
    pub(crate) event_streams: Arc<Semaphore>,
    rate: Option<DefaultKeyedRateLimiter<IpAddr>>,
    connections: Mutex<HashMap<IpAddr, usize>>,
    total: Arc<Semaphore>,
}

impl Guards {
    /// The counters of `limits`.
    pub fn new(limits: Limits) -> Arc<Guards> {
        let rate = NonZeroU32::new(limits.rate_per_s).map(|per_s| {
            let burst = NonZeroU32::new(limits.rate_burst.max(limits.rate_per_s)).unwrap_or(per_s);
            RateLimiter::keyed(Quota::per_second(per_s).allow_burst(burst))
        });
        Arc::new(Guards {
            in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
            event_streams: Arc::new(Semaphore::new(limits.max_event_streams)),
            total: Arc::new(Semaphore::new(limits.max_connections)),
            rate,
            connections: Mutex::new(HashMap::new()),
            limits,
        })
    }

    /// A slot for a new connection from `ip`, or None (the connection is closed).
    pub(crate) fn connect(self: &Arc<Self>, ip: IpAddr) -> Option<Connection> {
        let permit = self.total.clone().try_acquire_owned().ok()?;
        let mut c = self.connections.lock();
        let n = c.entry(ip).or_default();
        if *n >= self.limits.max_connections_per_ip {
            return None;
        }
        *n += 1;
        Some(Connection { guards: self.clone(), ip, _permit: permit })
    }

    fn rate_limited(&self, ip: IpAddr) -> bool {
        if ip.is_loopback() && !self.limits.rate_limit_loopback {
            return false;
        }
        let Some(r) = &self.rate else { return false };
        if r.len() > 100_000 {
            r.retain_recent();
        }
        r.check_key(&ip).is_err()
    }
}

/// An open connection's slot; freed when the connection ends.
pub(crate) struct Connection {
    guards: Arc<Guards>,
    ip: IpAddr,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut c = self.guards.connections.lock();
        if let Some(n) = c.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                c.remove(&self.ip);
            }
        }
    }
}

/// Rate limit, in-flight limit and request timeout, in that order; the event stream holds no
/// in-flight slot and has no timeout (it has its own cap).
pub(crate) async fn guard(guards: Arc<Guards>, req: Request, next: Next) -> Response {
    if let Some(ClientAddr(addr)) = req.extensions().get::<ClientAddr>().copied()
        && guards.rate_limited(addr.ip())
    {
        let mut resp =
            ApiError::new(429, "rate_limited", "too many requests from this address; retry later").into_response();
        resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        return resp;
    }
    if req.uri().path() == "/v1/events" {
        return next.run(req).await;
    }
    let Ok(_slot) = guards.in_flight.clone().try_acquire_owned() else {
        return ApiError::unavailable("overloaded", "the node is answering as many requests as it can; retry later")
            .into_response();
    };
    match tokio::time::timeout(guards.limits.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(408, "request_timeout", "the request took longer than the node allows").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    fn request(from: &str) -> Request {
        let mut req = Request::builder().uri("/x").body(Body::empty()).expect("request");
        req.extensions_mut().insert(ClientAddr(SocketAddr::new(from.parse().expect("ip"), 4000)));
        req
    }

    async fn code(resp: Response) -> (StatusCode, String) {
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16).await.expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        (status, v["error"]["code"].as_str().unwrap_or("").to_string())
    }

    fn limits() -> Limits {
        Limits { rate_per_s: 2, rate_burst: 2, ..Limits::default() }
    }

    #[tokio::test]
    async fn an_address_over_its_rate_gets_429_and_other_addresses_do_not() {
        let app = crate::serve::layer(Router::new().route("/x", get(|| async { "ok" })), Guards::new(limits()));
        for _ in 0..2 {
            assert_eq!(app.clone().oneshot(request("192.0.2.1")).await.expect("answer").status(), StatusCode::OK);
        }
        let refused = app.clone().oneshot(request("192.0.2.1")).await.expect("answer");
        assert!(refused.headers().contains_key(axum::http::header::RETRY_AFTER));
        assert_eq!(code(refused).await, (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into()));
        assert_eq!(app.clone().oneshot(request("192.0.2.2")).await.expect("answer").status(), StatusCode::OK);
        // Loopback is not limited unless asked.
        for _ in 0..10 {
            assert_eq!(app.clone().oneshot(request("127.0.0.1")).await.expect("answer").status(), StatusCode::OK);
        }
        let strict = Guards::new(Limits { rate_limit_loopback: true, ..limits() });
        let app = crate::serve::layer(Router::new().route("/x", get(|| async { "ok" })), strict);
        let answers: Vec<_> =
            futures::future::join_all((0..3).map(|_| app.clone().oneshot(request("127.0.0.1")))).await;
        assert_eq!(answers.iter().filter(|r| r.as_ref().is_ok_and(|r| r.status() == 429)).count(), 1);
    }

    #[tokio::test]
    async fn requests_over_the_in_flight_limit_are_shed_with_503() {
        let (entered_tx, mut entered) = tokio::sync::mpsc::channel::<()>(1);
        let release = Arc::new(tokio::sync::Notify::new());
        let r = release.clone();
        let handler = move || {
            let (entered_tx, r) = (entered_tx.clone(), r.clone());
            async move {
                let _ = entered_tx.send(()).await;
                r.notified().await;
                "done"
            }
        };
        let guards = Guards::new(Limits { max_in_flight: 1, ..limits() });
        let app = crate::serve::layer(Router::new().route("/x", get(handler)), guards);
        let first = tokio::spawn(app.clone().oneshot(request("127.0.0.1")));
        entered.recv().await.expect("the first request is being answered");
        let shed = app.clone().oneshot(request("127.0.0.1")).await.expect("answer");
        assert_eq!(code(shed).await, (StatusCode::SERVICE_UNAVAILABLE, "overloaded".into()));
        release.notify_one();
        assert_eq!(first.await.expect("task").expect("answer").status(), StatusCode::OK);
        let again = tokio::spawn(app.clone().oneshot(request("127.0.0.1")));
        entered.recv().await.expect("the slot was freed");
        release.notify_one();
        assert_eq!(again.await.expect("task").expect("answer").status(), StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_over_its_time_gets_408() {
        let guards = Guards::new(Limits { request_timeout: Duration::from_millis(500), ..limits() });
        let app = crate::serve::layer(Router::new().route("/x", get(std::future::pending::<&'static str>)), guards);
        let late = app.oneshot(request("127.0.0.1")).await.expect("answer");
        assert_eq!(code(late).await, (StatusCode::REQUEST_TIMEOUT, "request_timeout".into()));
    }

    #[test]
    fn connections_take_slots_per_address_and_in_all() {
        let g = Guards::new(Limits { max_connections: 3, max_connections_per_ip: 2, ..limits() });
        let (a, b, c): (IpAddr, IpAddr, IpAddr) =
            ("192.0.2.1".parse().expect("ip"), "192.0.2.2".parse().expect("ip"), "192.0.2.3".parse().expect("ip"));
        let a1 = g.connect(a).expect("first from a");
        let _a2 = g.connect(a).expect("second from a");
        assert!(g.connect(a).is_none(), "a third from one address");
        let _b1 = g.connect(b).expect("first from b");
        assert!(g.connect(c).is_none(), "over the total");
        drop(a1);
        let _c1 = g.connect(c).expect("a closed connection frees its slots");
        assert!(g.connect(a).is_none(), "the total is full again");
    }
}
