//! Consultations through the executor: one token per certificate holder, one comment per token
//! under the fresh key's pseudonym and only in the comment period; answers and moderations only
//! by the consulting department, moderation with a public reason that keeps the text's hash.

use std::sync::Arc;

use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind, Issue};
use govchain_component::Component;
use govchain_crypto::SecretKey;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_participation::Eligibility;
use govchain_participation::consult::{
    AnswerComment, Comment, ConsultComponent, Consultation, CreateConsultation, IssueCommentToken, ModerateComment,
    PostComment, keys,
};
use govchain_participation::token::{self, Token};
use govchain_types::{Algorithm, Hash32, Outcome};

const ID: &str = "zoning-plan";

struct Setup {
    w: World,
    pem: String,
    der: Vec<u8>,
    next: u8,
}

fn cert_id(n: u8) -> String {
    hex::encode([n; 32])
}

fn setup() -> Setup {
    let components: Vec<Arc<dyn Component>> =
        vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent), Arc::new(ConsultComponent)];
    let planner: &[(&str, &[&str])] = &[("planner", &["consult.create", "consult.respond"])];
    let certifier: &[(&str, &[&str])] = &[("certifier", &["certificates.*"])];
    let responder: &[(&str, &[&str])] = &[("responder", &["consult.respond"])];
    let mut w = World::builder()
        .org("planning", OrgKind::Government, planner)
        .org("police", OrgKind::Government, certifier)
        .org("transport", OrgKind::Government, responder)
        .admin("planning-admin", "planning", &["planner"])
        .admin("police-admin", "police", &["certifier"])
        .admin("transport-admin", "transport", &["responder"])
        .official("authority", "police", &[])
        .build(&components);
    let t = DefineType {
        id: "residence".into(),
        name: "Residence permit".into(),
        fields: vec![Field { name: "district".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 365,
    };
    assert_eq!(w.run("police-admin", &t), Outcome::Success);
    for n in 1..=3u8 {
        let i = Issue {
            id: cert_id(n),
            type_id: "residence".into(),
            holder: Hash32([n; 32]),
            commitment: Hash32([n; 32]),
            valid_from_ms: 0,
            valid_until_ms: 0,
            previous: None,
        };
        assert_eq!(w.run("police-admin", &i), Outcome::Success);
    }
    let (pem, der) = token::generate_authority().expect("authority key");
    let create = CreateConsultation {
        id: ID.into(),
        title: "Draft zoning plan for the east district".into(),
        text_hash: Hash32([5; 32]),
        documents: vec![Hash32([6; 32])],
        eligibility: Eligibility {
            cert_type: "residence".into(),
            condition: String::new(),
            authority: w.address("authority"),
            authority_key: der.clone(),
        },
        opens_height: w.height + 10,
        closes_height: w.height + 20,
    };
    assert_eq!(w.run("planning-admin", &create), Outcome::Success);
    Setup { w, pem, der, next: 100 }
}

fn consultation(s: &Setup) -> Consultation {
    s.w.get(&keys::consultation(ID)).expect("consultation")
}

fn comment(s: &Setup, n: u64) -> Comment {
    s.w.get(&keys::comment(ID, n)).expect("comment")
}

/// A commenter's token round; returns the fresh key's label and the token.
fn get_token(s: &mut Setup, cert: u8) -> Result<(String, Token), String> {
    s.next += 1;
    let label = format!("commenter-{}", s.next);
    let key = SecretKey::from_seed(Algorithm::Ed25519, [s.next; 32]);
    let msg = token::message("consult", ID, &key.public_key());
    let blinding = token::blind(&s.der, &msg).expect("blind");
    let blinded = hex::decode(&blinding.blinded).expect("hex");
    let issue = IssueCommentToken {
        consultation: ID.into(),
        certificate: cert_id(cert),
        blinded_hash: s.w.suite.hash(&blinded),
    };
    match s.w.run("authority", &issue) {
        Outcome::Success => {}
        o => return Err(code(&o).unwrap_or_default()),
    }
    let bs = token::sign_blinded(&s.pem, &blinded).expect("sign");
    let t = token::finalize(&s.der, &blinding, &bs, &msg).expect("unblind");
    s.w.add_key(&label, key);
    Ok((label, t))
}

fn post(s: &mut Setup, label: &str, t: &Token, text: &str) -> Outcome {
    s.w.run(label, &PostComment { consultation: ID.into(), token: t.clone(), text: text.into() })
}

#[test]
fn one_comment_per_eligible_person_under_a_fresh_pseudonym_in_the_period() {
    let mut s = setup();
    let (a, ta) = get_token(&mut s, 1).expect("token");
    assert_eq!(get_token(&mut s, 1).err().as_deref(), Some("already_issued"));
    assert_eq!(get_token(&mut s, 42).err().as_deref(), Some("not_eligible"));
    assert_eq!(code(&post(&mut s, &a, &ta, "Too early")).as_deref(), Some("not_open"));
    while s.w.height < consultation(&s).opens_height {
        s.w.block(&[]);
    }
    assert_eq!(post(&mut s, &a, &ta, "Please keep the market square."), Outcome::Success);
    assert_eq!(code(&post(&mut s, &a, &ta, "And again")).as_deref(), Some("token_spent"));
    let c = comment(&s, 0);
    assert_eq!(c.pseudonym, s.w.address(&a), "the pseudonym is the fresh key, no registered account");
    assert_eq!(c.text_hash, s.w.suite.hash(b"Please keep the market square."));
    // A token is bound to its key: another key cannot use it.
    let (b, tb) = get_token(&mut s, 2).expect("token");
    let err = s.w.check(&b, &PostComment { consultation: ID.into(), token: ta.clone(), text: "x".into() });
    assert_eq!(err.expect_err("refused").code(), "bad_token");
    assert_eq!(code(&post(&mut s, &b, &tb, " ")).as_deref(), Some("invalid_arguments"), "a blank comment");
    assert_eq!(post(&mut s, &b, &tb, "More bus lines, fewer car parks."), Outcome::Success);

    let (late, tl) = get_token(&mut s, 3).expect("token");
    while s.w.height <= consultation(&s).closes_height {
        s.w.block(&[]);
    }
    assert_eq!(code(&post(&mut s, &late, &tl, "Too late")).as_deref(), Some("closed"));
    let c = consultation(&s);
    assert_eq!((c.tokens_issued, c.comments), (3, 2));
}

#[test]
fn the_department_answers_and_moderates_with_public_reasons() {
    let mut s = setup();
    while s.w.height < consultation(&s).opens_height {
        s.w.block(&[]);
    }
    let (a, ta) = get_token(&mut s, 1).expect("token");
    assert_eq!(post(&mut s, &a, &ta, "My neighbour Zhang San at No. 5 parks illegally."), Outcome::Success);
    let (b, tb) = get_token(&mut s, 2).expect("token");
    assert_eq!(post(&mut s, &b, &tb, "Where will the new school be?"), Outcome::Success);

    let answer = AnswerComment { consultation: ID.into(), comment: 1, text: "North of the park; see annex 2.".into() };
    assert_eq!(code(&s.w.run("transport-admin", &answer)).as_deref(), Some("unauthorized"), "another department");
    assert_eq!(s.w.run("planning-admin", &answer), Outcome::Success);
    assert_eq!(code(&s.w.run("planning-admin", &answer)).as_deref(), Some("already_exists"));
    let c = comment(&s, 1);
    let ans = c.answer.expect("answered");
    assert_eq!((ans.by, ans.text.as_str()), (s.w.address("planning-admin"), "North of the park; see annex 2."));

    let no_reason = ModerateComment { consultation: ID.into(), comment: 0, reason: "".into() };
    assert_eq!(code(&s.w.run("planning-admin", &no_reason)).as_deref(), Some("invalid_arguments"));
    let m = ModerateComment { consultation: ID.into(), comment: 0, reason: "Names a private person.".into() };
    assert_eq!(s.w.run("planning-admin", &m), Outcome::Success);
    let c = comment(&s, 0);
    assert!(c.text.is_empty(), "the text is out of the state");
    assert_eq!(c.text_hash, s.w.suite.hash(b"My neighbour Zhang San at No. 5 parks illegally."));
    assert_eq!(c.moderation.expect("moderated").reason, "Names a private person.");
    let missing = AnswerComment { consultation: ID.into(), comment: 9, text: "?".into() };
    assert_eq!(code(&s.w.run("planning-admin", &missing)).as_deref(), Some("not_found"));
}
