//! The public-records module (government information disclosure).
//!
//! A department publishes a record (decision, budget, procurement notice, penalty…); every
//! amendment is a new version linked to the previous one by hash; withdrawal is a new version
//! with status `withdrawn` and a reason. Nothing is ever deleted, and every version stays
//! provable: version `v` of record `id` lives at state key `records/v/<id>/<v as 4 bytes BE>`.
//!
//! Permissions: `records.publish`, `records.amend`, `records.withdraw`, held through identity
//! roles; officials may amend and withdraw only their own organisation's records.

#![deny(clippy::unwrap_used)]

mod index;
mod methods;
mod model;

pub use index::{ListFilter, list_prefix, time_bound_key};
pub use methods::RecordsModule;
pub use model::*;
