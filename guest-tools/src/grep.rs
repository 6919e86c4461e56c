//! `grep` placeholder.
pub fn main(_n: &str, _args: Vec<std::ffi::OsString>) -> i32 {
    2
}
/// strerror-style text of an I/O error, without Rust's " (os error N)" suffix.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
