// The server embeds migrations/server (sqlx::migrate!): build again when a file is added.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/server");
}
