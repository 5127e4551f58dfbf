// Cargo rebuilds the binary when an embedded migration changes, but only a
// build script can make it notice a *new* file in the directory.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=migrations_postgres");
}
