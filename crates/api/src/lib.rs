//! REST API, OpenAPI document and server-sent events
