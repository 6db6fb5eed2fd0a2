//! What every operation may answer besides its own responses, added to the OpenAPI document so
//! that it states every status the server can send: the limits of [`crate::limits`] (408, 429,
//! 503 `overloaded`), 400 where there are parameters or a body, 413 where there is a body, and
//! 500 `internal` (whose message carries only a reference to the node's log).

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

fn error(description: &str, retry_after: bool) -> RefOr<Response> {
    let mut r = ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build());
    if retry_after {
        let h = utoipa::openapi::HeaderBuilder::new()
            .schema(utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer))
            .description(Some("Seconds to wait before retrying"))
            .build();
        r = r.header("Retry-After", h);
    }
    RefOr::T(r.build())
}

fn complete_operation(op: &mut Operation) {
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, r: RefOr<Response>| {
        responses.entry(status.to_string()).or_insert(r);
    };
    if has_params || has_body {
        add("400", error("Invalid input: the `code` names the rule broken", false));
    }
    if has_body {
        add("413", error("`body_too_large`: the body is over this endpoint's cap", false));
    }
    add("408", error("`request_timeout`: the request took longer than the node allows", false));
    add("429", error("`rate_limited`: too many requests from this address", true));
    add("500", error("`internal`: a fault in the node; the message carries a reference to its log", false));
    add("503", error("`overloaded` (or a reason of this endpoint): retry later", true));
}

/// Adds the statuses every operation may answer to each operation of `doc`.
pub(crate) fn complete(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op);
        }
    }
}
