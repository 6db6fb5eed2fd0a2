//! Approval workflows (智能合约审批).
//!
//! * A department deploys a process [`Definition`] (JSON or YAML; schema in
//!   `docs/workflow.schema.json`, or converted from BPMN by [`bpmn`]): an application form,
//!   states, transitions naming who may take them, CEL conditions ([`expr`]), deadlines in block
//!   time, and actions (events, public-register entries, jobs). Definitions are content-addressed
//!   and versioned; an [`Instance`] keeps the version it started on.
//! * An applicant applies; automatic transitions whose conditions hold are taken in the same
//!   block. Transitions that need a person appear in the task list of the role, organisation or
//!   account they name. Deadlines are evaluated at the first block past them
//!   ([`WorkflowModule`]'s begin-block tasks). Jobs are done by the owning department's job
//!   worker, which reports each attempt as a transaction.
//! * Every step is a state entry with a proof; the timeline is public.
//!
//! The component ([`WorkflowComponent`]) owns the keys in [`keys`], the queries in [`query`] and
//! the routes `/v1/workflow/…` (feature `http`).

#![deny(clippy::unwrap_used)]

pub mod bpmn;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod definition;
pub mod expr;
pub mod facts;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod methods;
mod model;
pub mod query;
pub mod sealed;
pub mod views;
#[cfg(feature = "worker")]
pub mod worker;

pub use component::WorkflowComponent;
pub use methods::{MAX_FIRES_PER_BLOCK, WorkflowModule, assignee, check_value, instance_id};
pub use model::*;
