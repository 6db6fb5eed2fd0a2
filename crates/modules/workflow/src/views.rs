//! JSON shapes of the workflow routes (the stored types are shown as they are).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::*;

/// A process of the catalog (its latest version).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProcessSummary {
    /// Owning organisation.
    pub org: String,
    /// Process id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Latest version.
    pub version: u32,
    /// Its content address.
    pub hash: String,
}

/// One version of a process definition, with the list of all its versions.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProcessView {
    /// The version asked for (default: latest).
    pub deployed: Deployed,
    /// Every version: (number, hash).
    pub versions: Vec<VersionRef>,
}

/// A version of a process.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionRef {
    /// Version number.
    pub version: u32,
    /// Content address.
    pub hash: String,
    /// Height deployed.
    pub height: u64,
}

/// An instance with its public timeline.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InstanceView {
    /// The instance.
    pub instance: Instance,
    /// Its steps, first to last.
    pub steps: Vec<Step>,
    /// The current state's label.
    pub state_label: String,
    /// Transitions people may take now: (id, label, who).
    pub open: Vec<OpenTransition>,
    /// Height of the data.
    pub height: u64,
    /// With `?proof=true`: one proof bundle (base64) of the instance and every step key at
    /// `height`, for `govchain verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// A transition a person may take in the current state.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OpenTransition {
    /// Transition id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Who may take it.
    pub by: Actor,
    /// Whether a reason is required.
    pub reason_required: bool,
    /// Fields the actor may change.
    pub edits: Vec<String>,
}

/// An instance in a listing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InstanceSummary {
    /// Instance id.
    pub id: String,
    /// `org/process`.
    pub process: String,
    /// Version.
    pub version: u32,
    /// Current state.
    pub state: String,
    /// Outcome once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Applicant.
    pub applicant: String,
    /// Block time of the application.
    pub created_ms: u64,
    /// Height of the last step.
    pub updated_height: u64,
}

impl From<&Instance> for InstanceSummary {
    fn from(i: &Instance) -> Self {
        InstanceSummary {
            id: i.id.clone(),
            process: format!("{}/{}", i.org, i.process),
            version: i.version,
            state: i.state.clone(),
            outcome: i.outcome,
            applicant: i.applicant.to_text(),
            created_ms: i.created_ms,
            updated_height: i.updated_height,
        }
    }
}

/// A task: an instance waiting for the account (or its role, or its organisation).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskView {
    /// The instance.
    pub instance: InstanceSummary,
    /// State label.
    pub state_label: String,
    /// Through which assignment: `role:<org>:<role>`, `org:<org>` or `acct:<hex>`.
    pub assignee: String,
    /// The transitions this account may take.
    pub transitions: Vec<OpenTransition>,
    /// When the state's deadline falls, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_ms: Option<u64>,
}

/// A pending job.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct JobView {
    /// Instance id.
    pub instance: String,
    /// `org/process`.
    pub process: String,
    /// The job.
    pub job: Job,
}

/// A register entry with its history.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterView {
    /// Latest version.
    pub entry: RegisterEntry,
    /// Every version, oldest first.
    pub history: Vec<RegisterEntry>,
    /// Height of the data.
    pub height: u64,
    /// With `?proof=true`: a proof bundle (base64) of the latest entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// `?proof=true`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProofQuery {
    /// Include a proof bundle.
    #[serde(default)]
    pub proof: bool,
}

/// `?version=N`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// Version (default: the latest).
    #[param(minimum = 1, maximum = 4294967295_u64)]
    pub version: Option<u32>,
}

/// How many instances a listing returns.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

/// Task list of an account.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// The account (0x…): its own tasks, its organisation's and its roles'.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    pub account: String,
}

/// Pending jobs of an organisation's worker.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Organisation.
    #[param(pattern = "^[a-z0-9-]{1,32}$")]
    pub org: String,
}
