//! The demonstration data set and policy: the social-insurance data of the human resources and
//! social security bureau (`hrss`) and its automatic grant to the civil-affairs bureau. The dev
//! chain, `govchain bench-data` and the multi-process tests all use these.

use crate::model::{DataField, FieldType, PublishDataset, Sensitivity, SetPolicy};

/// The demo data set's id.
pub const DATASET: &str = "social-insurance";

/// The demo data set.
pub fn dataset() -> PublishDataset {
    let f = |name: &str, kind, sensitivity, description: &str| DataField {
        name: name.into(),
        kind,
        sensitivity,
        description: description.into(),
    };
    PublishDataset {
        id: DATASET.into(),
        name: "社会保险参保缴费记录 Social insurance contributions".into(),
        description: "Whether a citizen is insured and how many months they have paid in".into(),
        fields: vec![
            f("insured", FieldType::Boolean, Sensitivity::Personal, "currently insured"),
            f("months_paid", FieldType::Integer, Sensitivity::Personal, "months of contributions"),
            f("monthly_salary", FieldType::Integer, Sensitivity::Sensitive, "contribution base (yuan)"),
        ],
        concerns_citizens: true,
        legal_basis: "《社会保险法》第七十四条 Social Insurance Law art. 74".into(),
        active: true,
    }
}

/// The demo policy: civil affairs checks subsidy eligibility on two fields, for 30 days.
pub fn policy() -> SetPolicy {
    SetPolicy {
        dataset: DATASET.into(),
        id: "civil-affairs-subsidy".into(),
        requester: Some("civil-affairs".into()),
        purposes: vec!["subsidy-eligibility".into()],
        fields: vec!["insured".into(), "months_paid".into()],
        max_days: 30,
        allow_all_subjects: true,
        active: true,
    }
}
