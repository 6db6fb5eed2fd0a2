//! `docs/workflow.schema.json` is the JSON Schema of a process definition, generated from the
//! same types the chain decodes (so it cannot drift). `GOVCHAIN_UPDATE_VECTORS=1` rewrites it;
//! otherwise the test fails when it is out of date. Every example definition validates against
//! the types (they are read by them).

use utoipa::{PartialSchema, ToSchema};

fn schema() -> serde_json::Value {
    let mut defs = Vec::new();
    govchain_workflow::Definition::schemas(&mut defs);
    let mut map = serde_json::Map::new();
    map.insert("Definition".into(), serde_json::to_value(govchain_workflow::Definition::schema()).expect("json"));
    for (name, s) in defs {
        map.insert(name, serde_json::to_value(s).expect("json"));
    }
    let doc = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govchain.example/schemas/workflow-definition.json",
        "title": "GovChain process definition",
        "description": "A process definition as `govchain workflow deploy` reads it (JSON, or YAML with the same structure). See docs/workflow.md.",
        "$ref": "#/$defs/Definition",
        "$defs": map,
    });
    let text = serde_json::to_string(&doc).expect("json").replace("#/components/schemas/", "#/$defs/");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn the_published_schema_is_the_one_the_chain_decodes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/workflow.schema.json");
    let want = serde_json::to_string_pretty(&schema()).expect("json") + "\n";
    if std::env::var("GOVCHAIN_UPDATE_VECTORS").is_ok() {
        std::fs::write(&path, &want).expect("write");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/workflow.schema.json is out of date: run with GOVCHAIN_UPDATE_VECTORS=1");
    for name in ["Definition", "State", "Transition", "Actor", "Action", "FieldDef", "Deadline", "Span"] {
        assert!(schema()["$defs"].get(name).is_some(), "{name} is described");
    }
}
