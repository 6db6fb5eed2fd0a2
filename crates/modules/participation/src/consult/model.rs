//! Consultations: what is on chain, and the arguments of each call.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, PublicKey};
use serde::{Deserialize, Serialize};

use crate::model::Eligibility;
use crate::token::Token;

/// Longest comment or answer, in bytes.
pub const MAX_COMMENT: usize = 4000;
/// Longest moderation reason.
pub const MAX_REASON: usize = 500;
/// Most document hashes of a consultation.
pub const MAX_DOCUMENTS: usize = 16;
/// Longest comment period, in blocks.
pub const MAX_PERIOD: u64 = 10_000_000;

/// A public consultation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consultation {
    /// Id (slug).
    pub id: String,
    /// Consulting department.
    pub org: String,
    /// The official who opened it.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub creator: Address,
    /// Title.
    pub title: String,
    /// Hash of the full text.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub text_hash: Hash32,
    /// Hashes of the documents consulted on.
    #[schema(value_type = Vec<String>)]
    pub documents: Vec<Hash32>,
    /// Who may comment.
    pub eligibility: Eligibility,
    /// First height accepting comments.
    pub opens_height: u64,
    /// Last height accepting comments.
    pub closes_height: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// Comments received.
    pub comments: u64,
    /// Creation height.
    pub height: u64,
}

/// The department's answer to a comment.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Answer {
    /// The answering official.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub by: Address,
    /// Text.
    pub text: String,
    /// Height.
    pub height: u64,
}

/// A moderation: the comment's text is taken out of the state, with a public reason.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Moderation {
    /// The moderating official.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub by: Address,
    /// Why (published).
    pub reason: String,
    /// Height.
    pub height: u64,
}

/// A comment, under the consultation's pseudonym of its author (the address of a fresh key
/// used for this consultation only).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comment {
    /// Sequence number from 0.
    pub n: u64,
    /// The pseudonym: the fresh key's address.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub pseudonym: Address,
    /// The fresh key.
    #[schema(value_type = String)]
    pub key: PublicKey,
    /// The token it was posted with.
    pub token: Token,
    /// Text (empty once moderated).
    pub text: String,
    /// Hash of the text as posted (kept after moderation).
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub text_hash: Hash32,
    /// Height.
    pub height: u64,
    /// The department's answer.
    pub answer: Option<Answer>,
    /// The moderation, if the text was taken down.
    pub moderation: Option<Moderation>,
}

/// Arguments of `consult.create`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateConsultation {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Hash of the text.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub text_hash: Hash32,
    /// Hashes of the documents.
    #[schema(value_type = Vec<String>)]
    pub documents: Vec<Hash32>,
    /// Eligibility.
    pub eligibility: Eligibility,
    /// Opening height.
    pub opens_height: u64,
    /// Closing height.
    pub closes_height: u64,
}

/// Arguments of `consult.issue_token` (by the authority).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssueCommentToken {
    /// Consultation.
    pub consultation: String,
    /// Certificate presented.
    pub certificate: String,
    /// Hash of the blinded message.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub blinded_hash: Hash32,
}

/// Arguments of `consult.comment` (signed by the fresh key).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostComment {
    /// Consultation.
    pub consultation: String,
    /// Token.
    pub token: Token,
    /// Text.
    pub text: String,
}

/// Arguments of `consult.answer` (an official of the consulting department).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnswerComment {
    /// Consultation.
    pub consultation: String,
    /// Comment number.
    pub comment: u64,
    /// Text.
    pub text: String,
}

/// Arguments of `consult.moderate` (an official of the consulting department).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModerateComment {
    /// Consultation.
    pub consultation: String,
    /// Comment number.
    pub comment: u64,
    /// Public reason.
    pub reason: String,
}

govchain_types::methods! { crate::consult::keys::MODULE;
    CreateConsultation => "create",
    IssueCommentToken => "issue_token",
    PostComment => "comment",
    AnswerComment => "answer",
    ModerateComment => "moderate",
}
