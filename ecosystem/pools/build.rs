fn main() {
    // Rebuild when a migration is added: Cargo notices changed files by itself, not new ones.
    println!("cargo:rerun-if-changed=migrations");
}
