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
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use govchain_api_types::ApiError;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const FAVICON_SVG: &str = include_str!("../assets/favicon.svg");
/// The application's pages: the one list the server and the application's router both read
/// (`portal/src/pages.json`, copied by the build).
const PAGES_JSON: &str = include_str!("../assets/pages.json");

/// Content-Security-Policy of every portal response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A page of the application.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Page {
    /// Route path, with `{param}` segments (axum's syntax).
    pub path: String,
    /// The application's handler.
    pub page: String,
    /// An example address of the page (`{tx}`, `{account}`, `{certificate}`, `{request}` stand for ids
    /// a test fills in).
    pub example: String,
}

/// The application's pages (each answers with `index.html`).
pub fn pages() -> Vec<Page> {
    // The file is embedded and tested; a malformed one is a build defect caught by the tests.
    serde_json::from_str(PAGES_JSON).unwrap_or_default()
}

/// The portal's routes: its pages and `/assets/…`. Merge it with the API router and install
/// [`fallback`] on the result.
pub fn router() -> Router {
    let mut r = Router::new();
    for page in pages() {
        r = r.route(&page.path, get(index));
    }
    r.route("/assets/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/assets/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/assets/favicon.svg", get(|| async { asset("image/svg+xml", FAVICON_SVG) }))
}

/// Answers unknown paths: a browser asking for a page gets the application with status 404 (it
/// shows a "not found" page in the reader's language); API clients get the API's JSON error
/// `route_not_found`.
pub async fn fallback(req: Request) -> Response {
    let wants_html =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    if wants_html && req.method() == Method::GET && !req.uri().path().starts_with("/v1/") {
        let mut resp = index().await;
        *resp.status_mut() = StatusCode::NOT_FOUND;
        return resp;
    }
    ApiError::not_found("route_not_found", "no such endpoint; see /openapi.json").into_response()
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
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn get(path: &str) -> (StatusCode, String, String, String) {
        get_as(path, "*/*").await
    }

    async fn get_as(path: &str, accept: &str) -> (StatusCode, String, String, String) {
        let app = router().fallback(fallback);
        let req = Request::get(path).header(header::ACCEPT, accept).body(Body::empty()).unwrap();
        let resp = app.oneshot(req).await.unwrap();
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
        let pages = pages();
        assert!(pages.len() >= 14, "pages.json lists the application's pages");
        for p in &pages {
            assert!(p.example.starts_with('/'), "{p:?}");
        }
        let examples: Vec<String> = pages
            .iter()
            .map(|p| {
                p.example
                    .replace("{tx}", &"ab".repeat(32))
                    .replace("{account}", "0x01")
                    .replace("{certificate}", "abc")
                    .replace("{request}", "r1")
                    .replace("{instance}", &"cd".repeat(32))
                    .replace("{vote}", "park")
                    .replace("{consultation}", "zoning-plan")
                    .replace("{tender}", "road-repair")
            })
            .collect();
        for path in examples.iter().map(String::as_str) {
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
        let (status, ct, _, body) = get("/v1/anything").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(ct.starts_with("application/json") && body.contains("route_not_found"), "{ct} {body}");
    }

    #[tokio::test]
    async fn a_browser_asking_for_an_unknown_page_gets_the_application_with_404() {
        let html = "text/html,application/xhtml+xml,*/*;q=0.8";
        let (status, ct, _, body) = get_as("/no/such/page", html).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(ct.starts_with("text/html") && body.contains("/assets/app.js"));
        let (status, ct, _, _) = get_as("/v1/no-such-endpoint", html).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(ct.starts_with("application/json"), "API paths always answer JSON");
    }

    /// The committed bundle must be built from the committed sources: `node portal/build.mjs`
    /// records the digest of `portal/src` and the npm lock file in `assets/SOURCE.sha256`.
    #[test]
    fn the_embedded_bundle_is_built_from_the_current_sources() {
        use sha2::{Digest, Sha256};
        let portal = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../portal");
        let mut files: Vec<String> = std::fs::read_dir(portal.join("src"))
            .expect("portal/src")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut inputs: Vec<(String, std::path::PathBuf)> =
            files.iter().map(|f| (format!("src/{f}"), portal.join("src").join(f))).collect();
        inputs.push(("package-lock.json".into(), portal.join("package-lock.json")));
        let mut h = Sha256::new();
        for (name, path) in inputs {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(std::fs::read(path).expect("read source"));
            h.update([0]);
        }
        let built = include_str!("../assets/SOURCE.sha256").trim();
        assert_eq!(
            built,
            hex::encode(h.finalize()),
            "crates/portal/assets is stale: run `node portal/build.mjs` and commit the assets with the sources"
        );
    }
}
