//! `govchain-fuzz <target>`: one fuzz target of `govchain-fuzz-targets` under AFL++.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = govchain_fuzz_targets::target(&name) else {
        let names: Vec<&str> = govchain_fuzz_targets::TARGETS.iter().map(|t| t.name).collect();
        eprintln!("usage: govchain-fuzz <target>; targets: {}", names.join(", "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| {
        (target.run)(data);
    });
}
