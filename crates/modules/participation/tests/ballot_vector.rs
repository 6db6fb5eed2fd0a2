//! The ballot vector the portal's unit test opens (`portal/tests/vectors/ballot-p256.json`,
//! sealed by this crate): it opens here with the published opening key, so the browser's
//! recount is checked against what the chain seals, not against itself; its released parts match
//! the trustees' commitments, which the browser checks too.

use govchain_participation::sealing::{self, OpeningKey};
use govchain_participation::{BALLOT_INFO, ballot_aad};
use govchain_types::PublicKey;

#[test]
fn the_portal_vector_opens_with_its_published_key() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../portal/tests/vectors/ballot-p256.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("vector")).expect("json");
    let hex = |k: &str| hex::decode(v[k].as_str().expect(k)).expect("hex");
    let secret: [u8; 32] = hex("opening_key").try_into().expect("32 bytes");
    let key = OpeningKey::from_secret(secret).expect("key");
    assert_eq!(key.public_key(), hex("sealing_key"), "the opening key is the sealing key's");
    let ballot = PublicKey::from_text(v["ballot_key"].as_str().expect("key")).expect("ballot key");
    let aad = ballot_aad(v["vote"].as_str().expect("vote"), &ballot);
    let pt = key.open(BALLOT_INFO, &aad, &hex("sealed")).expect("opens");
    assert_eq!(pt, (v["choice"].as_u64().expect("choice") as u32).to_be_bytes());
    // The released parts match the commitments and give the opening key.
    let dealings: Vec<sealing::Dealing> = v["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|cs| sealing::Dealing {
            commitments: cs
                .as_array()
                .expect("list")
                .iter()
                .map(|c| hex::decode(c.as_str().expect("hex")).expect("hex"))
                .collect(),
            shares: vec![],
        })
        .collect();
    let refs: Vec<&sealing::Dealing> = dealings.iter().collect();
    let mut parts = Vec::new();
    for (t, p) in v["parts"].as_array().expect("parts").iter().enumerate() {
        if let Some(p) = p.as_str() {
            let p: [u8; 32] = hex::decode(p).expect("hex").try_into().expect("32 bytes");
            sealing::verify_part(&refs, t, &p).expect("the part matches its commitments");
            parts.push((t, p));
        }
    }
    assert_eq!(sealing::combine(&parts, 2).expect("combine").secret(), secret);
    // Under another ballot key (a copied ballot) it does not open.
    let other = ballot_aad("park", &PublicKey::Ed25519([1; 32]));
    assert!(key.open(BALLOT_INFO, &other, &hex("sealed")).is_err());
}
