//! The workflow routes (feature `http`), each with its OpenAPI entry. Transactions (deploy,
//! apply, act, report) go through `POST /v1/tx` like every other call.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};

use crate::query;
use crate::views::*;

/// `/v1/workflow/…`.
pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(list_processes))
        .routes(routes!(get_process))
        .routes(routes!(process_instances))
        .routes(routes!(applicant_instances))
        .routes(routes!(get_instance))
        .routes(routes!(list_tasks))
        .routes(routes!(list_jobs))
        .routes(routes!(list_register))
        .routes(routes!(get_register_entry))
}

/// The process catalog: every process's latest version.
#[utoipa::path(get, path = "/v1/workflow/processes", tag = "workflow",
    responses((status = 200, body = Vec<ProcessSummary>)))]
async fn list_processes(State(h): State<Host>) -> Result<Json<Vec<ProcessSummary>>, ApiError> {
    blocking(&h, query::processes).await.map(Json)
}

/// One process definition (latest, or `?version=`), with all its versions.
#[utoipa::path(get, path = "/v1/workflow/processes/{org}/{id}", tag = "workflow",
    params(("org" = String, Path, description = "Owning organisation", pattern = "^[a-z0-9-]{1,32}$"),
        ("id" = String, Path, description = "Process id", pattern = "^[a-z0-9-]{1,32}$"), VersionQuery),
    responses((status = 200, body = ProcessView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_process(
    State(h): State<Host>,
    Path((org, id)): Path<(String, String)>,
    q: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Json<ProcessView>, ApiError> {
    let Query(v) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::process(c, &org, &id, v.version)).await.map(Json)
}

/// A process's instances, newest first.
#[utoipa::path(get, path = "/v1/workflow/processes/{org}/{id}/instances", tag = "workflow",
    params(("org" = String, Path, description = "Owning organisation", pattern = "^[a-z0-9-]{1,32}$"),
        ("id" = String, Path, description = "Process id", pattern = "^[a-z0-9-]{1,32}$"), LimitQuery),
    responses((status = 200, body = Vec<InstanceSummary>), (status = 400, body = ErrorBody)))]
async fn process_instances(
    State(h): State<Host>,
    Path((org, id)): Path<(String, String)>,
    q: Result<Query<LimitQuery>, QueryRejection>,
) -> Result<Json<Vec<InstanceSummary>>, ApiError> {
    let Query(l) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::process_instances(c, &org, &id, l.limit)).await.map(Json)
}

/// An applicant's instances, newest first.
#[utoipa::path(get, path = "/v1/workflow/applicants/{address}/instances", tag = "workflow",
    params(("address" = String, Path, description = "Applicant account", pattern = "^0x[0-9a-fA-F]{40}$"), LimitQuery),
    responses((status = 200, body = Vec<InstanceSummary>), (status = 400, body = ErrorBody)))]
async fn applicant_instances(
    State(h): State<Host>,
    Path(address): Path<String>,
    q: Result<Query<LimitQuery>, QueryRejection>,
) -> Result<Json<Vec<InstanceSummary>>, ApiError> {
    let Query(l) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::applicant_instances(c, &address, l.limit)).await.map(Json)
}

/// An instance and its public timeline; `?proof=true` adds a proof bundle of every step.
#[utoipa::path(get, path = "/v1/workflow/instances/{id}", tag = "workflow",
    params(("id" = String, Path, description = "Instance id", pattern = "^[0-9a-f]{64}$"), ProofQuery),
    responses((status = 200, body = InstanceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_instance(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<InstanceView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::instance(c, &id, p.proof)).await.map(Json)
}

/// The task list of an account: instances waiting for it, its roles or its organisation.
#[utoipa::path(get, path = "/v1/workflow/tasks", tag = "workflow", params(TaskQuery),
    responses((status = 200, body = Vec<TaskView>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_tasks(
    State(h): State<Host>,
    q: Result<Query<TaskQuery>, QueryRejection>,
) -> Result<Json<Vec<TaskView>>, ApiError> {
    let Query(t) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::tasks(c, &t.account)).await.map(Json)
}

/// Pending jobs for an organisation's job worker, oldest first.
#[utoipa::path(get, path = "/v1/workflow/jobs", tag = "workflow", params(JobQuery),
    responses((status = 200, body = Vec<JobView>), (status = 400, body = ErrorBody)))]
async fn list_jobs(
    State(h): State<Host>,
    q: Result<Query<JobQuery>, QueryRejection>,
) -> Result<Json<Vec<JobView>>, ApiError> {
    let Query(j) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::jobs(c, &j.org)).await.map(Json)
}

/// The keys of a public register.
#[utoipa::path(get, path = "/v1/workflow/registers/{org}/{register}", tag = "workflow",
    params(("org" = String, Path, description = "Organisation", pattern = "^[a-z0-9-]{1,32}$"),
        ("register" = String, Path, description = "Register", pattern = "^[a-z0-9-]{1,32}$")),
    responses((status = 200, body = Vec<String>), (status = 400, body = ErrorBody)))]
async fn list_register(
    State(h): State<Host>,
    Path((org, reg)): Path<(String, String)>,
) -> Result<Json<Vec<String>>, ApiError> {
    blocking(&h, move |c| query::register_keys(c, &org, &reg)).await.map(Json)
}

/// A register entry with its history; `?proof=true` adds a proof bundle.
#[utoipa::path(get, path = "/v1/workflow/registers/{org}/{register}/{key}", tag = "workflow",
    params(("org" = String, Path, description = "Organisation", pattern = "^[a-z0-9-]{1,32}$"),
        ("register" = String, Path, description = "Register", pattern = "^[a-z0-9-]{1,32}$"),
        ("key" = String, Path, description = "Entry key", pattern = "^.{1,256}$"), ProofQuery),
    responses((status = 200, body = RegisterView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_register_entry(
    State(h): State<Host>,
    Path((org, reg, key)): Path<(String, String, String)>,
    q: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<RegisterView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::register_entry(c, &org, &reg, &key, p.proof)).await.map(Json)
}
