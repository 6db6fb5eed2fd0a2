//! Secrets on disk: every key file a home holds is `0600` in a `0700` directory, and the node and
//! the CLI refuse a key file others can read (as ssh does).

mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use support::{Node, bin, text};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn key_files_are_private_and_loose_ones_are_refused() {
    let node = Node::init("127.0.0.25", "ed25519");
    let keys = node.home.join("keys");
    assert_eq!(mode(&keys), 0o700, "keys directory");
    let mut n = 0;
    for entry in std::fs::read_dir(&keys).expect("keys") {
        let p = entry.expect("entry").path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        n += 1;
    }
    assert!(n >= 13, "keystores, p2p.key and pseudonym.secret ({n} files)");

    let out = node.cli(&["db", "check"]);
    assert!(out.status.success() && text(&out).contains("store OK"), "{}", text(&out));

    let validator = keys.join("validator.json");
    std::fs::set_permissions(&validator, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = Command::new(bin())
        .args(["node", "--listen", &node.listen])
        .env("GOVCHAIN_HOME", &node.home)
        .output()
        .expect("run node");
    let t = text(&out);
    assert!(!out.status.success(), "the node must refuse a world-readable validator key:\n{t}");
    assert!(t.contains("readable by others") && t.contains("chmod 600"), "{t}");

    let officer = keys.join("finance-officer.json");
    std::fs::set_permissions(&officer, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = node.cli(&["governance", "approve", "--key", "finance-officer", "1"]);
    let t = text(&out);
    assert!(!out.status.success() && t.contains("readable by others"), "the CLI refuses it too:\n{t}");
}
