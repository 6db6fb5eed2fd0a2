//! Process definitions, instances, steps and jobs: what the chain stores.
//!
//! A [`Definition`] is written by a department as JSON or YAML (schema:
//! `docs/workflow.schema.json`) and stored content-addressed; an [`Instance`] is one application
//! running on one version of it.

use std::collections::BTreeMap;

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32};
use serde::{Deserialize, Serialize};

/// Most fields of a definition.
pub const MAX_FIELDS: usize = 32;
/// Most states of a definition.
pub const MAX_STATES: usize = 32;
/// Most transitions leaving one state.
pub const MAX_TRANSITIONS: usize = 16;
/// Most actions on entering one state.
pub const MAX_ACTIONS: usize = 8;
/// Longest text field value, bytes (declared `max_len` may be lower).
pub const MAX_TEXT: u32 = 1024;
/// Most items of a list field (declared `max_items` may be lower).
pub const MAX_ITEMS: u32 = 64;
/// Largest encoded definition, bytes.
pub const MAX_DEFINITION_BYTES: usize = 64 * 1024;
/// Longest label or description, bytes.
pub const MAX_LABEL: usize = 512;

/// The type of an application field.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum FieldKind {
    /// UTF-8 text up to `max_len` bytes. Public: never personal data.
    Text = 0,
    /// A 64-bit signed integer (no floating point anywhere: amounts are in the smallest unit).
    Int = 1,
    /// True or false.
    Bool = 2,
    /// A list of texts, up to `max_items`.
    TextList = 3,
    /// An account address (`0x` + 40 hex), for example the buyer who must also sign.
    Account = 4,
    /// 32 bytes as 64 hex: a holder pseudonym, a document digest or a salted commitment of
    /// personal data (the only way personal data enters an application).
    Digest = 5,
}

/// One field of the application form.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Name (`[a-z][a-z0-9_]*`), as conditions read it: `app.<name>`.
    pub name: String,
    /// Label shown in forms.
    #[serde(default)]
    pub label: String,
    /// Type.
    pub kind: FieldKind,
    /// Whether an application must give it.
    #[serde(default)]
    pub required: bool,
    /// Longest text (bytes; texts and list items), 1..=1024; default 256.
    #[serde(default)]
    pub max_len: u32,
    /// Most list items, 1..=64; default 16.
    #[serde(default)]
    pub max_items: u32,
}

impl FieldDef {
    /// The declared text bound, or its default.
    pub fn text_bound(&self) -> u32 {
        if self.max_len == 0 { 256 } else { self.max_len }
    }
    /// The declared list bound, or its default.
    pub fn items_bound(&self) -> u32 {
        if self.max_items == 0 { 16 } else { self.max_items }
    }
}

/// Who may take a transition.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Actor {
    /// Nobody: the engine takes it in the block where its condition holds.
    Auto = 0,
    /// The applicant.
    Applicant = 1,
    /// An official of `org` holding `role` (a Zeebe candidate group).
    Role {
        /// Organisation.
        org: String,
        /// Role name.
        role: String,
    } = 2,
    /// Any active official of this organisation (`{org: market}`).
    Org(String) = 3,
    /// The account named in this `account` field of the application, a second party
    /// (`{field: buyer}`).
    Field(String) = 4,
}

/// A length of time in block time. The parts add up; `working_days` counts Monday to Friday in
/// China Standard Time (UTC+8) with no holiday calendar.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Seconds.
    #[serde(default)]
    pub seconds: u64,
    /// Calendar days.
    #[serde(default)]
    pub days: u32,
    /// Working days.
    #[serde(default)]
    pub working_days: u32,
}

/// A deadline on a state, evaluated at the first block whose time is past it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// How long after entering the state.
    pub after: Span,
    /// Take this transition of the state (escalate, or a default decision), regardless of who
    /// it names and of its condition.
    #[serde(default)]
    pub take: Option<String>,
    /// Otherwise: remind (a reminder step for the assignees), and re-arm up to this many times.
    #[serde(default)]
    pub remind: u32,
}

/// A transition between states.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// Id (slug), unique within its state.
    pub id: String,
    /// Label (the button in the portal).
    #[serde(default)]
    pub label: String,
    /// Target state.
    pub to: String,
    /// Who may take it.
    pub by: Actor,
    /// Condition (CEL); for `auto` transitions, when it holds the engine takes it; for people,
    /// it must hold for them to take it.
    #[serde(default)]
    pub when: Option<String>,
    /// Whether the actor must give a reason (rejections).
    #[serde(default)]
    pub reason_required: bool,
    /// Fields the actor may change when taking it (more information asked for).
    #[serde(default)]
    pub edits: Vec<String>,
}

/// What happens on entering a state.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Action {
    /// Emit an event `workflow.<name>` (subscribers: SSE, webhooks).
    Emit {
        /// Event name.
        name: String,
    } = 0,
    /// Write an entry of one of the owning department's public registers (business register,
    /// land titles): `key` and each value are CEL expressions; the entry keeps its history.
    Register {
        /// Register name (slug).
        register: String,
        /// Entry key (CEL, a string).
        key: String,
        /// Values (CEL, each a string, int or bool), by name.
        set: BTreeMap<String, String>,
    } = 1,
    /// A job for the owning department's job worker (it needs a secret or an outside system):
    /// `kind` tells the worker what to do, `params` (CEL) what with.
    Job {
        /// Id (`[a-z][a-z0-9_]*`), as conditions read it: `jobs.<id>`.
        id: String,
        /// Kind: `issue-certificate`, `publish-record`, `attest-data`, or one a department's
        /// own worker knows.
        kind: String,
        /// Parameters (CEL, each a string, int or bool), by name.
        #[serde(default)]
        params: BTreeMap<String, String>,
        /// How many failed attempts before the job is failed for good (default 3).
        #[serde(default)]
        max_attempts: u32,
    } = 2,
}

/// The outcome of an instance that reached a final state.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Outcome {
    /// Approved.
    Approved = 0,
    /// Rejected.
    Rejected = 1,
    /// Withdrawn by the applicant.
    Withdrawn = 2,
    /// Completed (no decision to name).
    Done = 3,
}

/// A state of the process.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Id (slug).
    pub id: String,
    /// Label (what the applicant and the task list show).
    #[serde(default)]
    pub label: String,
    /// Set on final states: the instance ends here with this outcome.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Transitions leaving it, tried in order for automatic ones.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    /// Deadline.
    #[serde(default)]
    pub deadline: Option<Deadline>,
    /// Actions on entering it.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// Account kinds that may apply.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum ApplicantKind {
    /// Citizens.
    Citizen = 0,
    /// Businesses.
    Business = 1,
    /// Officials (internal processes).
    Official = 2,
}

/// A process definition as a department writes it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Process id (slug), unique within the deploying organisation.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Who may apply.
    pub applicants: Vec<ApplicantKind>,
    /// The application form.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// The first state.
    pub start: String,
    /// States.
    pub states: Vec<State>,
}

impl Definition {
    /// A state by id.
    pub fn state(&self, id: &str) -> Option<&State> {
        self.states.iter().find(|s| s.id == id)
    }
    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A deployed version of a process.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deployed {
    /// Owning organisation.
    pub org: String,
    /// Version number (1, 2, …).
    pub version: u32,
    /// Content address: the hash of the definition's canonical encoding.
    #[schema(value_type = String)]
    pub hash: Hash32,
    /// The expression engine it was checked with ([`crate::expr::ENGINE`]).
    pub engine: String,
    /// Who deployed it.
    #[schema(value_type = String)]
    pub deployer: Address,
    /// Height.
    pub height: u64,
    /// The definition.
    pub definition: Definition,
}

/// The latest version of a process.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcessHead {
    /// Latest version number.
    pub version: u32,
    /// Its hash.
    #[schema(value_type = String)]
    pub hash: Hash32,
    /// Name.
    pub name: String,
}

/// A field value in an application.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Value {
    /// Text, account or digest.
    Text(String) = 0,
    /// Integer.
    Int(i64) = 1,
    /// Boolean.
    Bool(bool) = 2,
    /// List of texts.
    List(Vec<String>) = 3,
}

/// Status of a job.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum JobStatus {
    /// Waiting for the worker (also after a failed attempt with attempts left).
    Pending = 0,
    /// Done; `output` holds its result.
    Done = 1,
    /// Failed `max_attempts` times.
    Failed = 2,
}

/// A job of an instance.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Job {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// The department whose worker does it.
    pub org: String,
    /// Evaluated parameters.
    pub params: BTreeMap<String, Value>,
    /// Status.
    pub status: JobStatus,
    /// Attempts reported so far.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Result values (done).
    pub output: BTreeMap<String, Value>,
    /// The last failure's message.
    pub error: String,
    /// A result sealed to the applicant's key (a credential), if any, as hex.
    #[serde(with = "hex_bytes")]
    #[schema(value_type = String)]
    pub sealed: Vec<u8>,
    /// Height it was created at.
    pub created_height: u64,
    /// Block time it was created at (a certificate it issues is valid from then).
    pub created_ms: u64,
}

/// One running or finished application.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instance {
    /// Id (64 hex).
    pub id: String,
    /// Owning organisation of the process.
    pub org: String,
    /// Process id.
    pub process: String,
    /// The version it runs on (kept for its whole life).
    pub version: u32,
    /// That version's hash.
    #[schema(value_type = String)]
    pub definition: Hash32,
    /// The applicant's account.
    #[schema(value_type = String)]
    pub applicant: Address,
    /// The applicant's account kind.
    pub applicant_kind: ApplicantKind,
    /// The applicant's account organisation.
    pub applicant_org: String,
    /// Field values.
    pub fields: BTreeMap<String, Value>,
    /// Current state.
    pub state: String,
    /// Set once it reached a final state.
    pub outcome: Option<Outcome>,
    /// Block time it entered the current state.
    pub entered_ms: u64,
    /// When the current state's deadline falls (block time), if it has one.
    pub due_ms: Option<u64>,
    /// Reminders sent in the current state.
    pub reminders: u32,
    /// Jobs, by id.
    pub jobs: BTreeMap<String, Job>,
    /// Why the last automatic condition could not be evaluated (empty when none failed).
    pub last_error: String,
    /// Steps so far.
    pub steps: u32,
    /// Height of the application.
    pub created_height: u64,
    /// Block time of the application.
    pub created_ms: u64,
    /// Height of the last step.
    pub updated_height: u64,
}

/// How a step came about.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum StepKind {
    /// The application itself.
    Applied = 0,
    /// A person took a transition.
    Manual = 1,
    /// The engine took an automatic transition.
    Auto = 2,
    /// A deadline took a transition.
    Deadline = 3,
    /// A deadline reminded the assignees.
    Reminder = 4,
    /// A job's worker reported.
    Job = 5,
}

/// One step of an instance's public timeline.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    /// Number (1 = the application).
    pub n: u32,
    /// Kind.
    pub kind: StepKind,
    /// Height.
    pub height: u64,
    /// Block time.
    pub time_ms: u64,
    /// The transaction (for deadline steps: the block's begin-block id).
    #[schema(value_type = String)]
    pub tx_hash: Hash32,
    /// Who signed (None for the engine).
    #[schema(value_type = Option<String>)]
    pub actor: Option<Address>,
    /// Transition or job id.
    pub what: String,
    /// State before.
    pub from: String,
    /// State after.
    pub to: String,
    /// Reason, condition error, or job message.
    pub note: String,
}

/// An entry of a public register.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterEntry {
    /// Owning organisation.
    pub org: String,
    /// Register.
    pub register: String,
    /// Key.
    pub key: String,
    /// Version (1, 2, …).
    pub version: u32,
    /// Values.
    pub values: BTreeMap<String, Value>,
    /// The instance that wrote it.
    pub instance: String,
    /// Height.
    pub height: u64,
    /// Block time.
    pub time_ms: u64,
}

/// Arguments of `workflow.deploy`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deploy {
    /// The definition (the signer's organisation owns it).
    pub definition: Definition,
}

/// Arguments of `workflow.apply`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Apply {
    /// Owning organisation.
    pub org: String,
    /// Process id.
    pub process: String,
    /// Version (0: the latest).
    pub version: u32,
    /// Field values.
    pub fields: BTreeMap<String, Value>,
}

/// Arguments of `workflow.act`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Act {
    /// Instance id.
    pub instance: String,
    /// Transition id (of the current state).
    pub transition: String,
    /// Reason.
    pub reason: String,
    /// Changed fields (only those the transition lets the actor edit).
    pub edits: BTreeMap<String, Value>,
}

/// Arguments of `workflow.report`: a job worker's result.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// Instance id.
    pub instance: String,
    /// Job id.
    pub job: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// Result values (success).
    pub output: BTreeMap<String, Value>,
    /// Failure message.
    pub error: String,
    /// A result sealed to the applicant's key (at most 8 KiB), as hex.
    #[serde(with = "hex_bytes", default)]
    #[schema(value_type = String)]
    pub sealed: Vec<u8>,
}

govchain_types::methods! { crate::keys::MODULE;
    Deploy => "deploy",
    Apply => "apply",
    Act => "act",
    Report => "report",
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        hex::decode(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
