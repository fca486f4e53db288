//! The device's migration files and the fingerprint that lets its runner refuse a shipped
//! migration that was later edited. The server's migrations are sqlx's; its one-off
//! bridge from the table it kept before reads the same fingerprint.

/// One numbered SQL file, embedded in the binary that applies it.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// FNV-1a (64 bit) of the SQL text, as 16 hex digits: enough to notice an edit.
pub fn fingerprint(sql: &str) -> String {
    let hash = sql
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_changes_with_any_edit() {
        assert_eq!(super::fingerprint(""), "cbf29ce484222325");
        assert_ne!(super::fingerprint("CREATE TABLE a (x INT);"), super::fingerprint("CREATE TABLE a (x INT );"));
    }
}
