//! A module added from outside the workspace's crates — the walkthrough of
//! docs/adding-a-module.md — runs in a real node with nothing else edited: its genesis section,
//! its transaction method (authorised through identity's roles), its HTTP route with its OpenAPI
//! entry. The same node also shows that every path in `/openapi.json` is served and that an
//! unknown genesis section is refused.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use borsh::{BorshDeserialize, BorshSerialize};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, blocking, routes};
use govchain_component::{ChainQueryExt, Component, Genesis, GenesisError, GenesisState};
use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args};
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Event, Method};
use serde::{Deserialize, Serialize};

// ---- the `notes` component: what a new module's crate would hold -------------------------

mod support;

use support::key;

mod notes {
    use super::*;

    pub const MODULE: &str = "notes";

    /// keys.rs: `notes/n/<id BE>` → text; `notes/next` → u64.
    pub mod keys {
        pub const NEXT: &[u8] = b"notes/next";
        pub fn note(id: u64) -> Vec<u8> {
            let mut k = b"notes/n/".to_vec();
            k.extend(id.to_be_bytes());
            k
        }
    }

    /// Arguments of `notes.add`.
    #[derive(BorshSerialize, BorshDeserialize)]
    pub struct AddNote {
        pub text: String,
    }
    govchain_types::methods! { MODULE; AddNote => "add" }

    /// The genesis section.
    #[derive(Default, Serialize, Deserialize)]
    pub struct NotesGenesis {
        pub welcome: String,
    }

    /// `GET /v1/notes/{id}`.
    #[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
    pub struct NoteView {
        pub id: u64,
        pub text: String,
    }

    pub struct NotesModule;

    impl Module for NotesModule {
        fn name(&self) -> &'static str {
            MODULE
        }

        fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
            match method {
                AddNote::METHOD => {
                    let a: AddNote = decode_args(args)?;
                    govchain_types::validate::text("text", &a.text, 256)?;
                    govchain_identity::require_permission(ctx, "notes.add")?;
                    if phase == Phase::Check {
                        return Ok(());
                    }
                    let id: u64 = ctx.get_as(keys::NEXT)?.unwrap_or(1);
                    ctx.put_as(keys::NEXT.to_vec(), &(id + 1))?;
                    ctx.put_as(keys::note(id), &a.text)?;
                    ctx.emit(Event::new(MODULE, "added", &[("id", id.to_string())]))
                }
                m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("notes has no method {m}"))),
            }
        }
    }

    /// One note.
    #[utoipa::path(get, path = "/v1/notes/{id}", tag = "notes",
        params(("id" = u64, Path, description = "Note id")),
        responses((status = 200, body = NoteView), (status = 404, body = ErrorBody)))]
    async fn get_note(State(h): State<Host>, Path(id): Path<u64>) -> Result<Json<NoteView>, ApiError> {
        blocking(&h, move |q| {
            let text: String = q
                .get_as(&keys::note(id), q.height())?
                .ok_or_else(|| ApiError::not_found("note_not_found", format!("no note {id}")))?;
            Ok(NoteView { id, text })
        })
        .await
        .map(Json)
    }

    pub struct NotesComponent;

    impl Component for NotesComponent {
        fn name(&self) -> &'static str {
            MODULE
        }
        fn module(&self) -> Option<Arc<dyn Module>> {
            Some(Arc::new(NotesModule))
        }
        fn genesis(&self, g: &Genesis) -> Result<GenesisState, GenesisError> {
            let section: NotesGenesis = g.section(MODULE)?;
            let mut state = GenesisState::default();
            state.put(keys::note(0), &section.welcome)?;
            Ok(state)
        }
        fn routes(&self) -> Routes {
            Routes::new().routes(routes!(get_note))
        }
    }
}

// ---- a one-validator chain with the standard components and `notes` -----------------------

const API: &str = "127.0.0.60:18860";

fn genesis(extra: Option<(&str, serde_json::Value)>) -> Genesis {
    let mut g = support::genesis(&["notes.add"]);
    g.set_section("notes", &notes::NotesGenesis { welcome: "欢迎 welcome".into() }).expect("section");
    if let Some((name, v)) = extra {
        g.sections.insert(name.into(), v);
    }
    g
}

fn components() -> Vec<Arc<dyn Component>> {
    let mut c = govchain_node::components();
    c.push(Arc::new(notes::NotesComponent));
    c
}

async fn wait_committed(client: &Client, tx: &govchain_types::SignedTransaction) -> govchain_api_types::dto::TxView {
    let hash = client.submit(tx).await.expect("admitted");
    client.wait_tx(&hash, Duration::from_secs(30)).await.expect("decided")
}

#[test]
fn an_unknown_genesis_section_is_refused_by_name() {
    let g = genesis(Some(("nobody", serde_json::json!({"x": 1}))));
    let e = govchain_node::genesis::state(&g, &components()).expect_err("refused");
    assert!(e.to_string().contains("nobody"), "{e}");
    let without_notes = govchain_node::genesis::state(&genesis(None), &govchain_node::components());
    assert!(without_notes.is_err(), "the notes section needs the notes component");
}

/// The node's background tasks (the engine, the search follower) run until the process ends, as
/// in the binary; the test's runtime is shut down without waiting for them.
#[test]
fn a_component_added_from_outside_runs_in_a_real_node() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run_with_notes());
    rt.shutdown_background();
}

async fn run_with_notes() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = support::write_home(dir.path(), &genesis(None), API, "/ip4/127.0.0.60/tcp/26660");
    let node = govchain_node::start_with(cfg, components()).await.expect("node starts");
    let client = Client::new(&format!("http://{}", node.api_addr));
    let status = client.status().await.expect("status");
    let builder = TxBuilder::new(&status.chain_id, support::SUITE);

    // Its genesis section was written by its own hook.
    let welcome: notes::NoteView = client.get("/v1/notes/0").await.expect("genesis note");
    assert_eq!(welcome.text, "欢迎 welcome");

    // Its method runs, authorised by identity's roles; refusals have the usual codes.
    let add = notes::AddNote { text: "第一条 first note".into() };
    let t = builder.call(&key("town-clerk"), 0, status.height + 100, &add).expect("sign");
    let view = wait_committed(&client, &t).await;
    let receipt = view.receipt.expect("committed with a receipt");
    assert_eq!(receipt.outcome, "success", "{receipt:?}");
    assert_eq!(receipt.events[0].module, "notes");
    let note: notes::NoteView = client.get("/v1/notes/1").await.expect("note");
    assert_eq!(note.text, "第一条 first note");
    let by_admin = builder.call(&key("town-admin"), 0, status.height + 100, &add).expect("sign");
    let e = client.submit(&by_admin).await.expect_err("the admin holds no clerk role");
    assert_eq!(e.code(), Some("unauthorized"));
    let missing = client.get::<notes::NoteView>("/v1/notes/99").await.expect_err("absent");
    assert_eq!(e_code(&missing), "note_not_found");

    // Its route is in the OpenAPI document, and every documented path is served.
    let doc: serde_json::Value = client.get("/openapi.json").await.expect("openapi");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/v1/notes/{id}"), "the component's route is documented");
    for p in ["/v1/records", "/v1/organisations", "/v1/governance/proposals", "/v1/certificate-types", "/v1/txs"] {
        assert!(paths.contains_key(p), "{p} missing from /openapi.json");
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let text = doc.to_string();
    for r in text.split("\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().unwrap_or_default();
        assert!(schemas.contains_key(name), "{name} is referenced but not defined");
    }
    let http = reqwest::Client::new();
    for (path, item) in paths {
        let url = format!("http://{}{}", node.api_addr, fill(path));
        for method in item.as_object().expect("operations").keys() {
            let req = match method.as_str() {
                "get" => http.get(&url),
                "post" => http.post(&url).header("content-type", "application/json").body("{}"),
                other => panic!("{path}: unexpected method {other}"),
            };
            if path == "/v1/events" {
                let resp = req.send().await.expect("events");
                assert_eq!(resp.status(), 200, "{path}");
                continue;
            }
            let body = req.send().await.expect("request").text().await.expect("body");
            assert!(!body.contains("route_not_found"), "{method} {path} is documented but not served: {body}");
        }
    }
    // A query string that does not parse answers the JSON error, on every route that takes one.
    for path in [
        "/v1/events?txs=maybe",
        "/v1/records?limit=many",
        "/v1/search/records?limit=many",
        "/v1/proofs/state?key=00&height=top",
        "/v1/proofs/records/x?version=last",
        "/v1/certificates/x/status?proof=maybe",
    ] {
        let resp = http.get(format!("http://{}{path}", node.api_addr)).send().await.expect("request");
        let (status, ct) = (resp.status(), resp.headers()["content-type"].to_str().unwrap_or("").to_string());
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        assert_eq!((status.as_u16(), ct.as_str()), (400, "application/json"), "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query", "{path}");
    }
    let wrong = http.delete(format!("http://{}/v1/records", node.api_addr)).send().await.expect("request");
    assert_eq!(wrong.status(), 405);
    let body: serde_json::Value = wrong.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let unknown = http.get(format!("http://{}/v1/not-a-route", node.api_addr)).send().await.expect("request");
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.expect("body").contains("route_not_found"), "the fallback answers unknown routes");

    // The executor refuses a block whose transaction calls a method the component lacks.
    let unknown_method = govchain_types::Call::new("notes", "erase", vec![]).expect("call");
    let t = builder.sign(&key("town-clerk"), 1, status.height + 100, unknown_method).expect("sign");
    let e = client.submit(&t).await.expect_err("refused at admission");
    assert_eq!(e.code(), Some("unknown_method"));
}

fn e_code(e: &govchain_sdk::SdkError) -> String {
    e.code().unwrap_or_default().to_string()
}

/// A documented path with its parameters filled with plausible values.
fn fill(path: &str) -> String {
    path.replace("{hash}", &"ab".repeat(32))
        .replace("{height}", "1")
        .replace("{address}", "0x0000000000000000000000000000000000000001")
        .replace("{id}", "1")
}
