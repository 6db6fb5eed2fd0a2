//! The public web portal, served by every node next to the REST API.
//!
//! The portal is a small single-page application (plain JavaScript, bundled by esbuild from
//! `portal/src` with `@noble/curves` and `@noble/hashes`) that talks only to the public API
//! described in `/openapi.json`. Its bundle is embedded in the binary at compile time from
//! `crates/portal/assets`, which `node portal/build.mjs` regenerates (the README's commands run
//! it); the built files are committed so that `cargo build` alone produces a complete node.
//!
//! Every page path answers with the same `index.html`; the application reads the path. Pages
//! carry a strict Content-Security-Policy: scripts, styles and connections only from the node
//! itself, no inline script, no framing.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const FAVICON_SVG: &str = include_str!("../assets/favicon.svg");

/// Content-Security-Policy of every portal response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Paths of the application's pages (each answers with `index.html`).
pub const PAGES: &[&str] = &[
    "/",
    "/search",
    "/verify",
    "/blocks",
    "/blocks/{height}",
    "/txs/{hash}",
    "/records",
    "/records/{id}",
    "/orgs",
    "/orgs/{id}",
    "/accounts/{address}",
    "/certificates/{id}",
];

/// The portal's routes: its pages and `/assets/…`. Merge it with the API router, which owns the
/// fallback (unknown paths answer the API's JSON 404).
pub fn router() -> Router {
    let mut r = Router::new();
    for page in PAGES {
        r = r.route(page, get(index));
    }
    r.route("/assets/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/assets/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/assets/favicon.svg", get(|| async { asset("image/svg+xml", FAVICON_SVG) }))
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The bundle changes with the binary: revalidate instead of caching stale code.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn get(path: &str) -> (StatusCode, String, String, String) {
        let resp = router().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = resp.status();
        let ct = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let csp = resp
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ct, csp, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn every_page_path_serves_the_application_with_a_strict_policy() {
        for path in ["/", "/search", "/verify", "/blocks/7", "/records/finance-000001", "/certificates/abc", "/orgs"] {
            let (status, ct, csp, body) = get(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(ct.starts_with("text/html"), "{path}: {ct}");
            assert_eq!(csp, CSP);
            assert!(body.contains("/assets/app.js"), "{path} must load the bundle");
        }
    }

    #[tokio::test]
    async fn assets_have_their_types_and_unknown_paths_are_not_pages() {
        let (status, ct, _, body) = get("/assets/app.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(ct.starts_with("text/javascript"));
        assert!(body.contains("GCPROOF"), "the bundle carries the proof verifier");
        let (_, ct, _, _) = get("/assets/app.css").await;
        assert!(ct.starts_with("text/css"));
        let (status, _, _, _) = get("/assets/other.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _, _) = get("/v1/anything").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
